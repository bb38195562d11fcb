using System.Text.Json;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>One of loadCodeAssist's <c>ineligibleTiers</c>: why the user cannot have a tier, and where to fix it.</summary>
internal sealed record CodeAssistIneligibility(string? ReasonCode, string? ReasonMessage, string? TierId, string? ValidationUrl)
{
    public const string ValidationRequired = "VALIDATION_REQUIRED";

    public static CodeAssistIneligibility? From(JsonElement element) => element.ValueKind == JsonValueKind.Object
        ? new CodeAssistIneligibility(
            CodeAssistJson.String(element, "reasonCode"),
            CodeAssistJson.String(element, "reasonMessage"),
            CodeAssistJson.String(element, "tierId"),
            CodeAssistJson.String(element, "validationUrl"))
        : null;
}
