using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;

namespace Maestro.Providers.Anthropic.OAuth;

/// <summary>
/// Imports the login of Claude Code: <c>$CLAUDE_CONFIG_DIR/.credentials.json</c> (default
/// <c>~/.claude/.credentials.json</c>), <c>{"claudeAiOauth": {"accessToken", "refreshToken", "expiresAt" (ms), "scopes",
/// "subscriptionType"}}</c>.
/// </summary>
public sealed class ClaudeCredentialsImporter : IOAuthImporter
{
    public string Source => "claude";

    public string Tool => "Claude Code";

    public string ExpectedShape => """{"claudeAiOauth": {"accessToken", "refreshToken", "expiresAt"}}""";

    public string ProviderId => AnthropicProvider.Id;

    public string? Caveat => "Refresh tokens rotate: once Maestro refreshes this login, Claude Code's own copy stops working; sign in to Claude Code again if you keep using it.";

    public string DefaultName => "claude";

    public IReadOnlyList<string> Modes { get; } = [];

    public string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(environment("CLAUDE_CONFIG_DIR") ?? Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude"), ".credentials.json");

    public OAuthGrant Read(ImportedFile file, string? mode)
    {
        file.Object("claudeAiOauth");
        var credentials = new AuthCredentials
        {
            AccessToken = file.RequiredString("claudeAiOauth", "accessToken"),
            RefreshToken = file.RequiredString("claudeAiOauth", "refreshToken"),
            ExpiresAt = file.OptionalUnixMilliseconds("claudeAiOauth", "expiresAt"),
        };
        var scopes = file.OptionalStrings("claudeAiOauth", "scopes");
        if (scopes.Count > 0 && !scopes.Contains("user:inference"))
        {
            throw new Core.Errors.ValidationFailedException("file",
                $"{file.Path}: the login's scopes ({string.Join(", ", scopes)}) do not include user:inference, so it cannot call the API. Log in to Claude Code again, or use `maestro auth login anthropic NAME`.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file.OptionalString("claudeAiOauth", "subscriptionType") is { } plan)
        {
            metadata[AuthMetadata.Plan] = plan;
        }

        return new OAuthGrant(credentials, metadata);
    }
}
