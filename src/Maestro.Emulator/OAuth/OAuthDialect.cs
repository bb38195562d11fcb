namespace Maestro.Emulator.OAuth;

/// <summary>How one provider's authorization server behaves on the wire: paths, body formats, token shapes, errors.</summary>
internal sealed record OAuthDialect(
    string Name,
    string AuthorizePath,
    string TokenPath,
    bool AcceptsForm,
    bool AcceptsJson,
    bool RotatesRefreshTokens,
    bool RequiresClientSecret,
    bool RequiresStateInTokenRequest,
    string AccessPrefix,
    string RefreshPrefix)
{
    public const string Prefix = "/oauth";

    /// <summary>auth.openai.com: form (and JSON refresh) requests, JWT tokens, rotation with reuse detection, device codes.</summary>
    public static OAuthDialect OpenAI { get; } = new(
        "openai", "/oauth/openai/oauth/authorize", "/oauth/openai/oauth/token",
        AcceptsForm: true, AcceptsJson: true, RotatesRefreshTokens: true, RequiresClientSecret: false, RequiresStateInTokenRequest: false,
        AccessPrefix: "", RefreshPrefix: "rt_emu_");

    /// <summary>Anthropic: JSON requests (with state), opaque sk-ant tokens, rotation with reuse detection.</summary>
    public static OAuthDialect Anthropic { get; } = new(
        "anthropic", "/oauth/anthropic/oauth/authorize", "/oauth/anthropic/v1/oauth/token",
        AcceptsForm: false, AcceptsJson: true, RotatesRefreshTokens: true, RequiresClientSecret: false, RequiresStateInTokenRequest: true,
        AccessPrefix: "sk-ant-oat01-emu-", RefreshPrefix: "sk-ant-ort01-emu-");

    /// <summary>Google: form requests with a client secret, no refresh-token rotation, an id token with the email.</summary>
    public static OAuthDialect Google { get; } = new(
        "google", "/oauth/google/o/oauth2/v2/auth", "/oauth/google/token",
        AcceptsForm: true, AcceptsJson: false, RotatesRefreshTokens: false, RequiresClientSecret: true, RequiresStateInTokenRequest: false,
        AccessPrefix: "ya29.emu-", RefreshPrefix: "1//emu-");

    public static IReadOnlyList<OAuthDialect> All { get; } = [OpenAI, Anthropic, Google];
}
