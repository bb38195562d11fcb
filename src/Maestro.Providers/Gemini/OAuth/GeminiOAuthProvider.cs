using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.OAuth;

namespace Maestro.Providers.Gemini.OAuth;

/// <summary>
/// Google OAuth for Gemini: PKCE with the loopback <c>/oauth2callback</c> (or the redirect address pasted from the
/// browser), offline access, with the client id and secret the user configures. A login is for the public Gemini API
/// (mode <c>api</c>, billed to GEMINI_USER_PROJECT or the auth's project) or for Code Assist (mode <c>code_assist</c>).
/// </summary>
public sealed class GeminiOAuthProvider(GeminiOAuthOptions options, OAuthTokenClient tokens, TimeProvider time) : IOAuthProvider
{
    public const string ApiMode = "api";
    public const string CodeAssistMode = "code_assist";
    private const string TokenServer = "Google's token endpoint";

    public string ProviderId => GeminiProvider.Id;

    public IReadOnlyList<OAuthLoginMethod> Methods { get; } = [OAuthLoginMethod.Callback, OAuthLoginMethod.Paste];

    public IReadOnlyList<string> Modes { get; } = [ApiMode, CodeAssistMode];

    public string DescribeMode(string mode) => mode switch
    {
        ApiMode => "API (billed to your Google Cloud project)",
        CodeAssistMode => "Code Assist (licensed users)",
        _ => mode,
    };

    public bool CanCreateApiKey => false;

    public string RedirectUriSetting => "GEMINI_OAUTH_REDIRECT_URI";

    public void EnsureConfigured()
    {
        if (string.IsNullOrEmpty(options.ClientId) || string.IsNullOrEmpty(options.ClientSecret))
        {
            throw new MaestroException(
                "Gemini OAuth needs your own Google OAuth client: GEMINI_OAUTH_CLIENT_ID and GEMINI_OAUTH_CLIENT_SECRET are not both set.",
                "In Google Cloud Console (APIs & Services > Credentials) create an OAuth client of type \"Desktop app\", enable the " +
                "Generative Language API, then set both variables. Or use an API key: `maestro auth add gemini NAME --api-key-stdin`.");
        }
    }

    public Uri RedirectUri(OAuthLoginMethod method) => options.RedirectUri;

    public Uri AuthorizationUrl(OAuthAuthorizationRequest request) => OAuthUrls.WithQuery(options.AuthorizationEndpoint,
    [
        new("client_id", options.ClientId!),
        new("redirect_uri", request.RedirectUri.AbsoluteUri),
        new("response_type", "code"),
        new("scope", options.Scopes),
        // A refresh token is only granted for offline access, and on a repeated consent only with prompt=consent.
        new("access_type", "offline"),
        new("prompt", "consent"),
        new("code_challenge", request.CodeChallenge),
        new("code_challenge_method", "S256"),
        new("state", request.State),
    ]);

    public async Task<OAuthGrant> ExchangeCodeAsync(OAuthCodeExchange exchange, CancellationToken cancellationToken)
    {
        EnsureConfigured();
        var response = await tokens.PostFormAsync(options.TokenEndpoint,
        [
            new("grant_type", "authorization_code"),
            new("code", exchange.Code),
            new("redirect_uri", exchange.RedirectUri.AbsoluteUri),
            new("client_id", options.ClientId!),
            new("client_secret", options.ClientSecret!),
            new("code_verifier", exchange.CodeVerifier),
        ], TokenServer, cancellationToken);
        var credentials = Require(response).ToCredentials(time.GetUtcNow());
        if (credentials.RefreshToken is null)
        {
            throw new OAuthException(OAuthFailure.Rejected, $"{TokenServer} granted no refresh token, so the login could not be kept fresh.",
                "Remove Maestro's access at https://myaccount.google.com/permissions and sign in again.");
        }

        var metadata = Identity(credentials.IdToken);
        metadata[AuthMetadata.Mode] = exchange.Options.Mode ?? ApiMode;
        return new OAuthGrant(credentials, metadata);
    }

    public Task<OAuthDeviceStart> StartDeviceAsync(OAuthLoginOptions login, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Gemini logins use the browser (or a pasted redirect address), not a device code.");

    public Task<OAuthDevicePoll> PollDeviceAsync(string handle, OAuthLoginOptions login, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Gemini logins use the browser (or a pasted redirect address), not a device code.");

    public async Task<OAuthGrant> RefreshAsync(StoredAuth auth, CancellationToken cancellationToken)
    {
        EnsureConfigured();
        var response = await tokens.PostFormAsync(options.TokenEndpoint,
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", auth.Credentials.RefreshToken!),
            new("client_id", options.ClientId!),
            new("client_secret", options.ClientSecret!),
        ], TokenServer, cancellationToken);
        // Google does not rotate refresh tokens: the answer has none, and the old one is kept.
        var credentials = Require(response).ToCredentials(time.GetUtcNow());
        return new OAuthGrant(credentials, Identity(credentials.IdToken));
    }

    /// <summary>The email from the id token (the openid and email scopes put it there).</summary>
    internal static Dictionary<string, string> Identity(string? idToken)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JwtClaims.String(JwtClaims.Read(idToken), "email") is { Length: > 0 } email)
        {
            metadata[AuthMetadata.Email] = email;
        }

        return metadata;
    }

    private static OAuthTokenResponse Require(OAuthTokenResponse response) => response.AccessToken is null
        ? throw new OAuthException(OAuthFailure.Transient, $"{TokenServer} answered without an access token.")
        : response;
}
