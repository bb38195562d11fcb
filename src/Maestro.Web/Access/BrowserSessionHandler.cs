using System.Security.Claims;
using System.Text.Encodings.Web;
using Maestro.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maestro.Web.Access;

/// <summary>
/// The browser-session cookie set by <c>/login</c>. Sessions live in the database (hashed), so every instance accepts
/// them and <c>maestro access rotate</c> ends them all at once.
/// </summary>
public sealed class BrowserSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AccessService access, BrowserSessionCookie cookie)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Set on the request when the cookie signed it in, so the page can offer "Sign out".</summary>
    public const string SessionClaim = "maestro:session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var id = cookie.Read(Request);
        if (id is null)
        {
            return AuthenticateResult.NoResult();
        }

        var check = await access.CheckSessionAsync(id, Context.RequestAborted);
        if (check is null)
        {
            return AuthenticateResult.Fail("The browser session has ended.");
        }

        if (check.Renewed)
        {
            cookie.Issue(Context, id, check.Session.ExpiresAt);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "browser"), new Claim(SessionClaim, check.Session.Method.ToWire())], AccessSchemes.Cookie);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AccessSchemes.Cookie));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccessChallenge.WriteAsync(Context, tokenRejected: false);
}
