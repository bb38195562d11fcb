using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.Anthropic.OAuth;

/// <summary>
/// Claude's OAuth login (the manual code-paste flow): endpoints, client id and scopes, each changeable by an
/// environment variable (in parentheses).
/// </summary>
public sealed class AnthropicOAuthOptions
{
    public const string DefaultAuthorizationEndpoint = "https://claude.ai/oauth/authorize";
    public const string DefaultTokenEndpoint = "https://console.anthropic.com/v1/oauth/token";
    public const string DefaultClientId = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
    public const string DefaultRedirectUri = "https://console.anthropic.com/oauth/code/callback";
    public const string DefaultScopes = "org:create_api_key user:profile user:inference";
    public const string DefaultCreateApiKeyEndpoint = "https://api.anthropic.com/api/oauth/claude_cli/create_api_key";

    /// <summary>ANTHROPIC_AUTHORIZATION_ENDPOINT.</summary>
    public Uri AuthorizationEndpoint { get; init; } = new(DefaultAuthorizationEndpoint);

    /// <summary>ANTHROPIC_TOKEN_ENDPOINT (JSON requests).</summary>
    public Uri TokenEndpoint { get; init; } = new(DefaultTokenEndpoint);

    /// <summary>ANTHROPIC_CLIENT_ID.</summary>
    public string ClientId { get; init; } = DefaultClientId;

    /// <summary>ANTHROPIC_REDIRECT_URI: the page that shows the code to paste (<c>code#state</c>).</summary>
    public Uri RedirectUri { get; init; } = new(DefaultRedirectUri);

    /// <summary>ANTHROPIC_OAUTH_SCOPES (space-separated).</summary>
    public string Scopes { get; init; } = DefaultScopes;

    /// <summary>ANTHROPIC_CREATE_API_KEY_ENDPOINT: creates an API key from a login (`--create-api-key`).</summary>
    public Uri CreateApiKeyEndpoint { get; init; } = new(DefaultCreateApiKeyEndpoint);

    public static AnthropicOAuthOptions From(IConfiguration configuration) => new()
    {
        AuthorizationEndpoint = configuration.GetUrl("ANTHROPIC_AUTHORIZATION_ENDPOINT", DefaultAuthorizationEndpoint),
        TokenEndpoint = configuration.GetUrl("ANTHROPIC_TOKEN_ENDPOINT", DefaultTokenEndpoint),
        ClientId = configuration.GetString("ANTHROPIC_CLIENT_ID") ?? DefaultClientId,
        RedirectUri = configuration.GetUrl("ANTHROPIC_REDIRECT_URI", DefaultRedirectUri),
        Scopes = configuration.GetString("ANTHROPIC_OAUTH_SCOPES") ?? DefaultScopes,
        CreateApiKeyEndpoint = configuration.GetUrl("ANTHROPIC_CREATE_API_KEY_ENDPOINT", DefaultCreateApiKeyEndpoint),
    };
}
