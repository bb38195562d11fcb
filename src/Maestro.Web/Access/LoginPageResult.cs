using Maestro.Web.Components.Access;
using Maestro.Web.Ui;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Web.Access;

/// <summary>Writes the sign-in page: for GET /login, and in place of any page that needs signing in first (status 401).</summary>
public static class LoginPageResult
{
    public static async Task WriteAsync(HttpContext context, int status, string returnPath, string? error)
    {
        var html = await context.RequestServices.GetRequiredService<FragmentRenderer>().RenderAsync<LoginPage>(new Dictionary<string, object?>
        {
            ["ReturnPath"] = LocalReturnPath(returnPath),
            ["Error"] = error,
        });
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>Where to go after signing in: a path on this site only (never <c>//host</c> or a full URL), else the dashboard.</summary>
    public static string LocalReturnPath(string? path) =>
        path is { Length: > 0 } p && p[0] == '/' && (p.Length == 1 || (p[1] != '/' && p[1] != '\\')) && !p.StartsWith("/login", StringComparison.OrdinalIgnoreCase) &&
        !p.Any(char.IsControl)
            ? p
            : "/";
}
