using System.Security.Claims;
using System.Text.Encodings.Web;
using Maestro.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maestro.Web.Access;

/// <summary><c>Authorization: Bearer &lt;token&gt;</c> with the access token: what the CLI, scripts and API clients send.</summary>
public sealed class AccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessService access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly ClaimsPrincipal TokenHolder = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "access-token")], AccessSchemes.Token));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("Only Authorization: Bearer <access token> is accepted."));
        }

        return Task.FromResult(access.TokenMatches(header["Bearer ".Length..].Trim())
            ? AuthenticateResult.Success(new AuthenticationTicket(TokenHolder, AccessSchemes.Token))
            : AuthenticateResult.Fail("The access token is not valid (it may have been rotated)."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccessChallenge.WriteAsync(Context, tokenRejected: Request.Headers.Authorization.Count > 0);
}
