using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// API keys go in x-api-key. An OAuth login sends its access token as a bearer token with the documented OAuth beta
/// flag, and nothing else: no product identity of any kind is claimed.
/// </summary>
internal sealed class AnthropicSigner : IRequestSigner
{
    /// <summary>The beta flag Anthropic documents for requests authorised with an OAuth access token.</summary>
    public const string OAuthBeta = "oauth-2025-04-20";

    private const string ApiKeyHeader = "x-api-key";
    private const string BetaHeader = "anthropic-beta";

    public static AnthropicSigner Instance { get; } = new();

    public void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection)
    {
        var headers = request.Headers;
        headers.Remove(ApiKeyHeader);
        headers.Authorization = null;
        if (connection.Auth.Type == AuthType.OAuth && !string.IsNullOrEmpty(credentials.AccessToken))
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AccessToken);
            if (!headers.TryGetValues(BetaHeader, out var betas) || !betas.Any(b => b.Contains(OAuthBeta, StringComparison.Ordinal)))
            {
                headers.TryAddWithoutValidation(BetaHeader, OAuthBeta);
            }

            return;
        }

        if (!string.IsNullOrEmpty(credentials.ApiKey))
        {
            headers.TryAddWithoutValidation(ApiKeyHeader, credentials.ApiKey);
            return;
        }

        throw ProviderErrors.Create(
            ProviderErrorKind.Authentication,
            connection.Context(null),
            null,
            connection.Auth.Type == AuthType.OAuth ? "the login has no access token" : "the auth has no API key");
    }
}
