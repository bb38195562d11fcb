using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.CodeAssist;

/// <summary>Code Assist takes an OAuth access token (<c>Authorization: Bearer</c>) only; API keys are not accepted.</summary>
internal sealed class CodeAssistAuth(CredentialPolicy credentials, CodeAssistErrors errors) : IProviderAuth
{
    public AuthOutcome Authenticate(HttpRequest request)
    {
        var token = CredentialPolicy.BearerToken(request.Headers.Authorization.ToString());
        if (string.IsNullOrEmpty(token))
        {
            return new AuthOutcome(null, errors.MissingCredential());
        }

        return credentials.Accepts(token) ? new AuthOutcome(token, null) : new AuthOutcome(token, errors.InvalidToken());
    }
}
