using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Maestro.Web.Hosting;

/// <summary>
/// Browser hardening on every response (pages, fragments, API, live streams, assets, errors): no framing by any
/// other page (clickjacking), scripts and styles only from Maestro's own files (no inline script, no eval, no inline
/// style), no plugins, no &lt;base&gt; rewriting, no MIME sniffing, no Referer leaving the page.
/// </summary>
/// <remarks>
/// <c>style-src 'self'</c> without <c>'unsafe-inline'</c>: the UI sets sizes from script through the CSSOM (allowed),
/// never through style attributes, and htmx is configured (App.razor's htmx-config) not to inject its indicator
/// &lt;style&gt; nor to copy style attributes while settling.
/// </remarks>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

    private static readonly StringValues Csp = ContentSecurityPolicy;
    private static readonly StringValues Deny = "DENY";
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues NoReferrer = "no-referrer";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Csp;
        headers.XFrameOptions = Deny;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = NoReferrer;
        return next(context);
    }
}
