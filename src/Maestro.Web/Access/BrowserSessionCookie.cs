using System.Globalization;
using Maestro.Core.Access;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Access;

/// <summary>
/// The browser-session cookie: HttpOnly, SameSite=Strict, Secure behind https. Cookies are shared by every port of a
/// host, so on plain http its name carries the port (two Maestro instances on one machine keep their own sessions);
/// behind https it is a <c>__Host-</c> cookie, which browsers bind to this exact origin.
/// </summary>
public sealed class BrowserSessionCookie(AccessSettings settings)
{
    public string Name(HttpRequest request) => settings.SecureCookies
        ? "__Host-maestro_session"
        : "maestro_session_" + (request.Host.Port ?? (request.IsHttps ? 443 : 80)).ToString(CultureInfo.InvariantCulture);

    public string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name(request), out var value) && value.Length is > 0 and < 200 ? value : null;

    public void Issue(HttpContext context, string sessionId, DateTimeOffset expiresAt) =>
        context.Response.Cookies.Append(Name(context.Request), sessionId, Options(expiresAt));

    public void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name(context.Request), Options(null));

    public void Issue(HttpContext context, SignedIn signedIn) => Issue(context, signedIn.SessionId, signedIn.ExpiresAt);

    private CookieOptions Options(DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = settings.SecureCookies,
        Path = "/",
        Expires = expiresAt,
        IsEssential = true,
    };
}
