using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;

namespace Maestro.Providers.Gemini.OAuth;

/// <summary>
/// Imports the Google login of the Gemini CLI: <c>~/.gemini/oauth_creds.json</c>, <c>{"access_token", "refresh_token",
/// "expiry_date" (ms), "id_token", "scope", "token_type"}</c>. Such a login is a Code Assist login by default. Refreshing it
/// needs the OAuth client that issued it in GEMINI_OAUTH_CLIENT_ID/SECRET.
/// </summary>
public sealed class GeminiCredentialsImporter : IOAuthImporter
{
    public string Source => "gemini";

    public string Tool => "the Gemini CLI";

    public string ExpectedShape => """{"access_token", "refresh_token", "expiry_date"}""";

    public string ProviderId => GeminiProvider.Id;

    public string? Caveat => "Refreshing it needs the OAuth client that issued it (the Gemini CLI's) in GEMINI_OAUTH_CLIENT_ID and GEMINI_OAUTH_CLIENT_SECRET.";

    public string DefaultName => "gemini";

    public IReadOnlyList<string> Modes { get; } = [GeminiOAuthProvider.CodeAssistMode, GeminiOAuthProvider.ApiMode];

    public string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".gemini", "oauth_creds.json");

    public OAuthGrant Read(ImportedFile file, string? mode)
    {
        var credentials = new AuthCredentials
        {
            AccessToken = file.RequiredString("access_token"),
            RefreshToken = file.RequiredString("refresh_token"),
            IdToken = file.OptionalString("id_token"),
            ExpiresAt = file.OptionalUnixMilliseconds("expiry_date"),
        };
        file.OptionalStrings("scope");
        var metadata = GeminiOAuthProvider.Identity(credentials.IdToken);
        metadata[AuthMetadata.Mode] = mode ?? GeminiOAuthProvider.CodeAssistMode;
        return new OAuthGrant(credentials, metadata);
    }
}
