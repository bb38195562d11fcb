using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.Anthropic.OAuth;

/// <summary>
/// Claude's OAuth login: the user opens the authorization page, signs in, and pastes the <c>code#state</c> the
/// redirect page shows; JSON token exchange and refresh; optionally <c>extract_api_key</c> (create an API key from
/// the login, kept with the auth). Anthropic permits subscription logins only in its own apps: Maestro sends the
/// documented OAuth headers and never presents itself as another product.
/// </summary>
public sealed class AnthropicOAuthProvider(AnthropicOAuthOptions options, OAuthTokenClient tokens, TimeProvider time, ILogger<AnthropicOAuthProvider> logger)
    : IOAuthProvider
{
    private const string TokenServer = "Anthropic's token endpoint";

    public string ProviderId => AnthropicProvider.Id;

    public IReadOnlyList<OAuthLoginMethod> Methods { get; } = [OAuthLoginMethod.Paste];

    public IReadOnlyList<string> Modes { get; } = [];

    public string DescribeMode(string mode) => mode;

    public bool CanCreateApiKey => true;

    public string RedirectUriSetting => "ANTHROPIC_REDIRECT_URI";

    public void EnsureConfigured()
    {
        // Defaults work; nothing is required.
    }

    public Uri RedirectUri(OAuthLoginMethod method) => options.RedirectUri;

    public Uri AuthorizationUrl(OAuthAuthorizationRequest request) => OAuthUrls.WithQuery(options.AuthorizationEndpoint,
    [
        // Asks the redirect page to show the code for pasting.
        new("code", "true"),
        new("client_id", options.ClientId),
        new("response_type", "code"),
        new("redirect_uri", request.RedirectUri.AbsoluteUri),
        new("scope", options.Scopes),
        new("code_challenge", request.CodeChallenge),
        new("code_challenge_method", "S256"),
        new("state", request.State),
    ]);

    public async Task<OAuthGrant> ExchangeCodeAsync(OAuthCodeExchange exchange, CancellationToken cancellationToken)
    {
        var response = await tokens.PostJsonAsync(options.TokenEndpoint,
        [
            new("grant_type", "authorization_code"),
            new("code", exchange.Code),
            new("state", exchange.State),
            new("client_id", options.ClientId),
            new("redirect_uri", exchange.RedirectUri.AbsoluteUri),
            new("code_verifier", exchange.CodeVerifier),
        ], TokenServer, cancellationToken);
        var credentials = Require(response).ToCredentials(time.GetUtcNow());
        var notes = new List<string>();
        if (exchange.Options.CreateApiKey)
        {
            try
            {
                var key = await CreateApiKeyAsync(credentials.AccessToken!, cancellationToken);
                credentials = credentials with { Extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["api_key"] = key } };
                notes.Add("An API key was created from the login and kept with it.");
            }
            catch (OAuthException ex)
            {
                logger.LogWarning("Creating an API key from the Claude login failed: {Message}", ex.Message);
                notes.Add($"No API key was created ({ex.Message}); the login itself works.");
            }
        }

        return new OAuthGrant(credentials, Metadata(response)) { Notes = notes };
    }

    public Task<OAuthDeviceStart> StartDeviceAsync(OAuthLoginOptions login, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Anthropic has no device-code login.");

    public Task<OAuthDevicePoll> PollDeviceAsync(string handle, OAuthLoginOptions login, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Anthropic has no device-code login.");

    public async Task<OAuthGrant> RefreshAsync(StoredAuth auth, CancellationToken cancellationToken)
    {
        var response = await tokens.PostJsonAsync(options.TokenEndpoint,
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", auth.Credentials.RefreshToken),
            new("client_id", options.ClientId),
        ], TokenServer, cancellationToken);
        return new OAuthGrant(Require(response).ToCredentials(time.GetUtcNow()), Metadata(response));
    }

    /// <summary><c>extract_api_key</c>: asks Anthropic to create an API key for the signed-in account.</summary>
    private async Task<string> CreateApiKeyAsync(string accessToken, CancellationToken cancellationToken)
    {
        var response = await tokens.PostJsonAsync(options.CreateApiKeyEndpoint, [], "Anthropic's API-key endpoint", cancellationToken, accessToken);
        return response.String("raw_key") ?? throw new OAuthException(OAuthFailure.Transient, "Anthropic's API-key endpoint answered without a key.");
    }

    private static Dictionary<string, string> Metadata(OAuthTokenResponse response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response.String("account", "email_address") is { } email)
        {
            metadata[AuthMetadata.Email] = email;
        }

        return metadata;
    }

    private static OAuthTokenResponse Require(OAuthTokenResponse response) => response.AccessToken is null
        ? throw new OAuthException(OAuthFailure.Transient, $"{TokenServer} answered without an access token.")
        : response;
}
