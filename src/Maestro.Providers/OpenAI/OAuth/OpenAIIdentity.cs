using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.OAuth;

namespace Maestro.Providers.OpenAI.OAuth;

/// <summary>
/// What OpenAI's tokens say about the ChatGPT account: the email (id token), and the account id and plan from the
/// <c>https://api.openai.com/auth</c> claim of the id token or the access token.
/// </summary>
internal static class OpenAIIdentity
{
    public const string AuthClaim = "https://api.openai.com/auth";

    /// <summary>The metadata of a ChatGPT login (mode, and whichever of email, account id and plan the tokens carry).</summary>
    public static Dictionary<string, string> Metadata(string? idToken, string? accessToken)
    {
        var id = JwtClaims.Read(idToken);
        var access = JwtClaims.Read(accessToken);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [AuthMetadata.Mode] = OpenAIOAuthProvider.ChatGptMode };
        Set(AuthMetadata.Email, JwtClaims.String(id, "email") ?? JwtClaims.String(access, "email"));
        Set(AuthMetadata.AccountId, Claim(id, "chatgpt_account_id") ?? Claim(access, "chatgpt_account_id"));
        Set(AuthMetadata.Plan, Claim(access, "chatgpt_plan_type") ?? Claim(id, "chatgpt_plan_type"));
        return metadata;

        void Set(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                metadata[key] = value;
            }
        }
    }

    private static string? Claim(JsonElement? claims, string name) =>
        claims is { } c && c.TryGetProperty(AuthClaim, out var auth) && auth.ValueKind == JsonValueKind.Object &&
        auth.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
