using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// Anthropic's credential rules: an <c>x-api-key</c>, or an OAuth access token as <c>Authorization: Bearer</c> that is
/// only honoured together with the <c>oauth-2025-04-20</c> beta. Every request must also carry <c>anthropic-version</c>.
/// </summary>
internal sealed class AnthropicAuth(CredentialPolicy credentials, AnthropicErrors errors) : IProviderAuth
{
    public const string OAuthBeta = "oauth-2025-04-20";

    public AuthOutcome Authenticate(HttpRequest request)
    {
        var apiKey = request.Headers["x-api-key"].ToString();
        var bearer = CredentialPolicy.BearerToken(request.Headers.Authorization.ToString());
        string? credential;
        if (apiKey.Length > 0)
        {
            credential = apiKey;
            if (!credentials.Accepts(apiKey))
            {
                return new AuthOutcome(credential, errors.Authentication("invalid x-api-key"));
            }
        }
        else if (bearer is not null)
        {
            credential = bearer;
            if (!HasOAuthBeta(request))
            {
                return new AuthOutcome(credential, errors.Authentication("OAuth authentication is currently not supported."));
            }

            if (!credentials.Accepts(bearer))
            {
                return new AuthOutcome(credential, errors.Authentication("Invalid bearer token"));
            }
        }
        else
        {
            return new AuthOutcome(null, errors.Authentication("x-api-key header is required"));
        }

        return request.Headers["anthropic-version"].ToString().Length == 0
            ? new AuthOutcome(credential, errors.InvalidRequest("anthropic-version: header is required"))
            : new AuthOutcome(credential, null);
    }

    /// <summary>Betas may come comma-separated in one header or as repeated headers.</summary>
    private static bool HasOAuthBeta(HttpRequest request)
    {
        foreach (var value in request.Headers["anthropic-beta"])
        {
            foreach (var beta in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (beta == OAuthBeta)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
