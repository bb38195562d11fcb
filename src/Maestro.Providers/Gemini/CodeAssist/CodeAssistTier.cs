using System.Text.Json;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>One tier of loadCodeAssist's <c>currentTier</c>, <c>paidTier</c> or <c>allowedTiers</c>.</summary>
/// <param name="UserDefinedProject">The tier needs a project of the user's (<c>userDefinedCloudaicompanionProject</c>).</param>
internal sealed record CodeAssistTier(string Id, string? Name, bool IsDefault, bool UserDefinedProject)
{
    public const string Free = "free-tier";
    public const string Legacy = "legacy-tier";

    /// <summary>gemini-cli's choice when no allowed tier is marked default: the legacy tier, with a user project.</summary>
    public static CodeAssistTier LegacyFallback { get; } = new(Legacy, null, IsDefault: false, UserDefinedProject: true);

    public static CodeAssistTier? From(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && CodeAssistJson.String(element, "id") is { Length: > 0 } id
            ? new CodeAssistTier(
                id,
                CodeAssistJson.String(element, "name"),
                CodeAssistJson.True(element, "isDefault"),
                CodeAssistJson.True(element, "userDefinedCloudaicompanionProject"))
            : null;
}
