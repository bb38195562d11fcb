using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.Gemini.OAuth;

/// <summary>
/// Google sign-in for Gemini with the OAuth client the user configures (a "Desktop app" client in their Google Cloud
/// project). Environment variables in parentheses.
/// </summary>
public sealed class GeminiOAuthOptions
{
    public const string DefaultAuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth";
    public const string DefaultTokenEndpoint = "https://oauth2.googleapis.com/token";
    public const string DefaultRedirectUri = "http://localhost:8085/oauth2callback";

    public const string DefaultScopes =
        "openid https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile";

    /// <summary>GEMINI_AUTHORIZATION_ENDPOINT.</summary>
    public Uri AuthorizationEndpoint { get; init; } = new(DefaultAuthorizationEndpoint);

    /// <summary>GEMINI_TOKEN_ENDPOINT (form requests).</summary>
    public Uri TokenEndpoint { get; init; } = new(DefaultTokenEndpoint);

    /// <summary>GEMINI_OAUTH_CLIENT_ID (required for logins and refresh).</summary>
    public string? ClientId { get; init; }

    /// <summary>GEMINI_OAUTH_CLIENT_SECRET (required; Google's desktop clients have a non-confidential secret).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>GEMINI_OAUTH_REDIRECT_URI: the loopback callback; port 0 picks a free port (Desktop clients accept any).</summary>
    public Uri RedirectUri { get; init; } = new(DefaultRedirectUri);

    /// <summary>GEMINI_OAUTH_SCOPES (space-separated).</summary>
    public string Scopes { get; init; } = DefaultScopes;

    public static GeminiOAuthOptions From(IConfiguration configuration) => new()
    {
        AuthorizationEndpoint = configuration.GetUrl("GEMINI_AUTHORIZATION_ENDPOINT", DefaultAuthorizationEndpoint),
        TokenEndpoint = configuration.GetUrl("GEMINI_TOKEN_ENDPOINT", DefaultTokenEndpoint),
        ClientId = configuration.GetString("GEMINI_OAUTH_CLIENT_ID"),
        ClientSecret = configuration.GetString("GEMINI_OAUTH_CLIENT_SECRET"),
        RedirectUri = configuration.GetUrl("GEMINI_OAUTH_REDIRECT_URI", DefaultRedirectUri),
        Scopes = configuration.GetString("GEMINI_OAUTH_SCOPES") ?? DefaultScopes,
    };
}
