using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Gemini;

/// <summary>
/// Gemini takes an API key (<c>x-goog-api-key</c> header or <c>?key=</c>) or an OAuth access token
/// (<c>Authorization: Bearer</c>). No credential is a 403, a bad key a 400 API_KEY_INVALID, a bad token a 401, as recorded.
/// </summary>
internal sealed class GeminiAuth(CredentialPolicy credentials, GeminiErrors errors) : IProviderAuth
{
    public AuthOutcome Authenticate(HttpRequest request)
    {
        var key = request.Headers["x-goog-api-key"].ToString();
        if (key.Length == 0)
        {
            key = request.Query["key"].ToString();
        }

        if (key.Length > 0)
        {
            return credentials.Accepts(key) ? new AuthOutcome(key, null) : new AuthOutcome(key, errors.InvalidApiKey());
        }

        var token = CredentialPolicy.BearerToken(request.Headers.Authorization.ToString());
        if (!string.IsNullOrEmpty(token))
        {
            return credentials.Accepts(token) ? new AuthOutcome(token, null) : new AuthOutcome(token, errors.InvalidToken());
        }

        return new AuthOutcome(null, errors.MissingCredential());
    }
}
