using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary>OpenAI takes <c>Authorization: Bearer &lt;key&gt;</c> only.</summary>
internal sealed class OpenAIAuth(CredentialPolicy credentials, OpenAIErrors errors) : IProviderAuth
{
    public AuthOutcome Authenticate(HttpRequest request)
    {
        var key = CredentialPolicy.BearerToken(request.Headers.Authorization.ToString());
        if (string.IsNullOrEmpty(key))
        {
            return new AuthOutcome(null, errors.MissingKey());
        }

        return credentials.Accepts(key) ? new AuthOutcome(key, null) : new AuthOutcome(key, errors.InvalidKey(key));
    }
}
