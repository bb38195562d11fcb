using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// Anthropic's credential rules: an <c>x-api-key</c> (which wins when both are sent), or <c>Authorization: Bearer</c>.
/// A bearer is an API key — the SDKs released with API version 2026-10-21 send keys that way — unless it is an OAuth
/// access token (<c>sk-ant-oat…</c>, or one the emulated authorization server issued), which is only honoured together
/// with the <c>oauth-2025-04-20</c> beta. Every request must also carry a known <c>anthropic-version</c>.
/// </summary>
internal sealed class AnthropicAuth(CredentialPolicy credentials, AnthropicErrors errors) : IProviderAuth
{
    /// <summary>The API versions Anthropic serves.</summary>
    public static readonly string[] Versions = ["2023-01-01", "2023-06-01", AnthropicVersions.V20261021];

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
            if (credentials.IsOAuthToken(bearer, "sk-ant-oat") && !HasOAuthBeta(request))
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

        var version = request.Headers["anthropic-version"].ToString();
        return version.Length == 0 ? new AuthOutcome(credential, errors.InvalidRequest("anthropic-version: header is required"))
            : Array.IndexOf(Versions, version) < 0 ? new AuthOutcome(credential, errors.InvalidRequest($"anthropic-version: invalid version '{version}'; use one of {string.Join(", ", Versions)}"))
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
