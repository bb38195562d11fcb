using System.Text.Json;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// loadCodeAssist's answer: <c>{"currentTier", "paidTier", "allowedTiers": [...], "ineligibleTiers": [...],
/// "cloudaicompanionProject"}</c>. A user with a <c>currentTier</c> is onboarded already.
/// </summary>
internal sealed record CodeAssistLoadResult(
    CodeAssistTier? CurrentTier,
    CodeAssistTier? PaidTier,
    IReadOnlyList<CodeAssistTier> AllowedTiers,
    IReadOnlyList<CodeAssistIneligibility> Ineligible,
    string? Project)
{
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static CodeAssistLoadResult Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("loadCodeAssist did not answer with a JSON object");
        }

        var allowed = new List<CodeAssistTier>();
        foreach (var element in CodeAssistJson.Array(root, "allowedTiers"))
        {
            if (CodeAssistTier.From(element) is { } tier)
            {
                allowed.Add(tier);
            }
        }

        var ineligible = new List<CodeAssistIneligibility>();
        foreach (var element in CodeAssistJson.Array(root, "ineligibleTiers"))
        {
            if (CodeAssistIneligibility.From(element) is { } reason)
            {
                ineligible.Add(reason);
            }
        }

        return new CodeAssistLoadResult(
            root.TryGetProperty("currentTier", out var current) ? CodeAssistTier.From(current) : null,
            root.TryGetProperty("paidTier", out var paid) ? CodeAssistTier.From(paid) : null,
            allowed,
            ineligible,
            CodeAssistJson.Project(root, "cloudaicompanionProject"));
    }

    /// <summary>The allowed tier marked default, else gemini-cli's legacy fallback.</summary>
    public CodeAssistTier OnboardTier()
    {
        foreach (var tier in AllowedTiers)
        {
            if (tier.IsDefault)
            {
                return tier;
            }
        }

        return CodeAssistTier.LegacyFallback;
    }

    /// <summary>A not-yet-onboarded account Google wants verified first (with the page to do it on).</summary>
    public CodeAssistIneligibility? ValidationRequired()
    {
        if (CurrentTier is not null)
        {
            return null;
        }

        foreach (var reason in Ineligible)
        {
            if (reason.ReasonCode == CodeAssistIneligibility.ValidationRequired && reason.ValidationUrl is { Length: > 0 })
            {
                return reason;
            }
        }

        return null;
    }
}
