using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maestro.Web.Access;

/// <summary>With <c>--no-auth</c> (loopback only, see <see cref="ExposureRules"/>): every request is let in.</summary>
public sealed class OpenAccessHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly ClaimsPrincipal Anyone = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "local")], AccessSchemes.Open));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Anyone, AccessSchemes.Open)));
}
