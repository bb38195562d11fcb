using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;

namespace Maestro.Providers.OpenAI.OAuth;

/// <summary>
/// Imports the ChatGPT login of the Codex CLI: <c>$CODEX_HOME/auth.json</c> (default <c>~/.codex/auth.json</c>),
/// <c>{"OPENAI_API_KEY": …, "tokens": {"id_token", "access_token", "refresh_token", "account_id"}, "last_refresh"}</c>.
/// </summary>
public sealed class CodexLoginImporter(TimeProvider time) : IOAuthImporter
{
    public string Source => "codex";

    public string Tool => "the Codex CLI";

    public string ExpectedShape => """{"tokens": {"access_token", "refresh_token", "id_token"}}""";

    public string ProviderId => OpenAIProvider.Id;

    public string? Caveat => "Refresh tokens rotate: once Maestro refreshes this login, the Codex CLI's own copy stops working; sign in to the Codex CLI again if you keep using it.";

    public string DefaultName => "codex";

    public IReadOnlyList<string> Modes { get; } = [OpenAIOAuthProvider.ChatGptMode];

    public string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(environment("CODEX_HOME") ?? Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".codex"), "auth.json");

    public OAuthGrant Read(ImportedFile file, string? mode)
    {
        var hasTokens = file.Root.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == System.Text.Json.JsonValueKind.Object;
        if (!hasTokens && file.OptionalString("OPENAI_API_KEY") is not null)
        {
            throw new ValidationFailedException("file",
                $"{file.Path} holds an API key, not a ChatGPT login. Add the key with `maestro auth add openai NAME --api-key-stdin` instead.");
        }

        file.Object("tokens");
        var access = file.RequiredString("tokens", "access_token");
        var refresh = file.RequiredString("tokens", "refresh_token");
        var idToken = file.OptionalString("tokens", "id_token");
        var claims = JwtClaims.Read(access);
        var metadata = OpenAIIdentity.Metadata(idToken, access);
        if (file.OptionalString("tokens", "account_id") is { } accountId)
        {
            metadata[AuthMetadata.AccountId] = accountId;
        }

        var apiKey = file.OptionalString("OPENAI_API_KEY");
        var credentials = new AuthCredentials
        {
            AccessToken = access,
            RefreshToken = refresh,
            IdToken = idToken,
            ExpiresAt = JwtClaims.Time(claims, "exp"),
            IssuedAt = JwtClaims.Time(claims, "iat") ?? file.OptionalTimestamp("last_refresh") ?? time.GetUtcNow(),
            Extra = apiKey is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["api_key"] = apiKey },
        };
        return new OAuthGrant(credentials, metadata);
    }
}
