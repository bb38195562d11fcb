using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.OpenAI.OAuth;

/// <summary>
/// The ChatGPT (Plus/Pro) sign-in: OpenAI's authorization server and the public client id of its Codex CLI, whose
/// registered redirect is <c>http://localhost:1455/auth/callback</c>. Every value can be changed (environment variables
/// in parentheses), e.g. to point at the emulator.
/// </summary>
public sealed class OpenAIOAuthOptions
{
    public const string DefaultIssuer = "https://auth.openai.com";
    public const string DefaultClientId = "app_EMoamEEZ73f0CkXaXp7hrann";
    public const string DefaultRedirectUri = "http://localhost:1455/auth/callback";
    public const string DefaultScopes = "openid profile email offline_access";

    /// <summary>OPENAI_AUTHORIZATION_ENDPOINT.</summary>
    public Uri AuthorizationEndpoint { get; init; } = new(DefaultIssuer + "/oauth/authorize");

    /// <summary>OPENAI_TOKEN_ENDPOINT: code exchange, refresh and the RFC 8693 API-key exchange.</summary>
    public Uri TokenEndpoint { get; init; } = new(DefaultIssuer + "/oauth/token");

    /// <summary>OPENAI_DEVICE_AUTH_BASE_URL: <c>/api/accounts/deviceauth/…</c>, <c>/codex/device</c> and <c>/deviceauth/callback</c> live under it.</summary>
    public Uri DeviceAuthBaseUrl { get; init; } = new(DefaultIssuer);

    /// <summary>OPENAI_OAUTH_CLIENT_ID.</summary>
    public string ClientId { get; init; } = DefaultClientId;

    /// <summary>OPENAI_REDIRECT_URI: the loopback address of the callback server.</summary>
    public Uri RedirectUri { get; init; } = new(DefaultRedirectUri);

    /// <summary>OPENAI_OAUTH_SCOPES (space-separated).</summary>
    public string Scopes { get; init; } = DefaultScopes;

    /// <summary>OPENAI_OAUTH_API_KEY_EXCHANGE=0 skips the RFC 8693 exchange of the id token for an API key at login.</summary>
    public bool ApiKeyExchange { get; init; } = true;

    public static OpenAIOAuthOptions From(IConfiguration configuration) => new()
    {
        AuthorizationEndpoint = configuration.GetUrl("OPENAI_AUTHORIZATION_ENDPOINT", DefaultIssuer + "/oauth/authorize"),
        TokenEndpoint = configuration.GetUrl("OPENAI_TOKEN_ENDPOINT", DefaultIssuer + "/oauth/token"),
        DeviceAuthBaseUrl = configuration.GetUrl("OPENAI_DEVICE_AUTH_BASE_URL", DefaultIssuer),
        ClientId = configuration.GetString("OPENAI_OAUTH_CLIENT_ID") ?? DefaultClientId,
        RedirectUri = configuration.GetUrl("OPENAI_REDIRECT_URI", DefaultRedirectUri),
        Scopes = configuration.GetString("OPENAI_OAUTH_SCOPES") ?? DefaultScopes,
        ApiKeyExchange = configuration.GetFlag("OPENAI_OAUTH_API_KEY_EXCHANGE", defaultValue: true),
    };
}
