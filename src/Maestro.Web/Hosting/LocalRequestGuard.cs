using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Hosting;

/// <summary>
/// Maestro listens on loopback, where any web page the user visits could send requests to it. This refuses requests
/// whose Host is not one we serve (DNS rebinding) and state-changing requests from another site or an opaque origin
/// (CSRF). The UI posts only through htmx and fetch (CORS-mode requests carry the real Origin even under
/// <c>Referrer-Policy: no-referrer</c>, where a plain form post would say <c>Origin: null</c>).
/// </summary>
public sealed class LocalRequestGuard(RequestDelegate next, IReadOnlySet<string> allowedHosts)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        if (allowedHosts.Count > 0 && !allowedHosts.Contains(host))
        {
            await Refuse(context, $"Host '{host}' is not served here. Set MAESTRO_ALLOWED_HOSTS to allow it.");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
        {
            var fetchSite = context.Request.Headers["Sec-Fetch-Site"].ToString();
            if (fetchSite is "cross-site")
            {
                await Refuse(context, "Cross-site requests cannot change Maestro's data.");
                return;
            }

            var origin = context.Request.Headers.Origin.ToString();
            if (origin == "null")
            {
                // An opaque origin: a sandboxed frame, a file: or data: page. It can never be Maestro's own page.
                await Refuse(context, "Requests from an opaque origin (Origin: null) cannot change Maestro's data.");
                return;
            }

            if (origin.Length > 0 &&
                (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri) || !string.Equals(originUri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            {
                await Refuse(context, $"Requests from origin {origin} cannot change Maestro's data.");
                return;
            }
        }

        await next(context);
    }

    private static Task Refuse(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(new { status = 403, title = "Forbidden", code = "forbidden", detail });
    }
}
