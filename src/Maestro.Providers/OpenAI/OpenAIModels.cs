using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>What Maestro knows about one OpenAI model family (the API's model list carries no limits).</summary>
/// <param name="Prefix">Matches model ids that start with it (dated snapshots included); the longest prefix wins.</param>
/// <param name="DefaultMaxOutput">Sent as max_output_tokens when the caller gives none; reasoning tokens count too.</param>
/// <param name="Reasoning">A reasoning model: takes <c>reasoning</c>, rejects temperature/top_p.</param>
/// <param name="LowestEffort">The effort <see cref="ReasoningEffort.None"/> maps to (gpt-5 has no "none").</param>
/// <param name="ExtraHighEffort">Whether the model accepts "xhigh".</param>
public sealed record OpenAIModelFamily(
    string Prefix,
    int ContextWindow,
    int MaxOutput,
    int DefaultMaxOutput,
    bool Reasoning = false,
    string LowestEffort = "low",
    bool ExtraHighEffort = false,
    string Kind = "chat");

/// <summary>Per-model defaults: context windows, output limits and which models reason.</summary>
public static class OpenAIModels
{
    // Ordered longest prefix first within a stem; Find picks the longest matching prefix anyway.
    private static readonly OpenAIModelFamily[] Families =
    [
        new("gpt-5.2-pro", 400_000, 128_000, 64_000, Reasoning: true, LowestEffort: "medium", ExtraHighEffort: true),
        new("gpt-5.2-chat", 128_000, 16_384, 16_384),
        new("gpt-5.2", 400_000, 128_000, 64_000, Reasoning: true, LowestEffort: "none", ExtraHighEffort: true),
        new("gpt-5.1-codex-max", 400_000, 128_000, 64_000, Reasoning: true, LowestEffort: "none", ExtraHighEffort: true),
        new("gpt-5.1-chat", 128_000, 16_384, 16_384),
        new("gpt-5.1", 400_000, 128_000, 64_000, Reasoning: true, LowestEffort: "none"),
        new("gpt-5-pro", 400_000, 272_000, 64_000, Reasoning: true, LowestEffort: "high"),
        new("gpt-5-chat", 128_000, 16_384, 16_384),
        new("gpt-5", 400_000, 128_000, 64_000, Reasoning: true, LowestEffort: "minimal"),
        new("codex-mini", 200_000, 100_000, 64_000, Reasoning: true),
        new("o4-mini", 200_000, 100_000, 64_000, Reasoning: true),
        new("o3", 200_000, 100_000, 64_000, Reasoning: true),
        new("o1-mini", 128_000, 65_536, 32_768, Reasoning: true),
        new("o1-preview", 128_000, 32_768, 32_768, Reasoning: true),
        new("o1", 200_000, 100_000, 64_000, Reasoning: true),
        new("gpt-4.1", 1_047_576, 32_768, 32_768),
        new("gpt-4o-2024-05-13", 128_000, 4_096, 4_096),
        new("gpt-4o", 128_000, 16_384, 16_384),
        new("chatgpt-4o", 128_000, 16_384, 16_384),
        new("gpt-4-turbo", 128_000, 4_096, 4_096),
        new("gpt-4-1106", 128_000, 4_096, 4_096),
        new("gpt-4-0125", 128_000, 4_096, 4_096),
        new("gpt-4-32k", 32_768, 8_192, 8_192),
        new("gpt-4", 8_192, 8_192, 8_192),
        new("gpt-3.5-turbo-instruct", 4_096, 4_096, 4_096),
        new("gpt-3.5-turbo", 16_385, 4_096, 4_096),
        new("text-embedding", 8_192, 0, 0, Kind: "embeddings"),
        new("omni-moderation", 32_768, 0, 0, Kind: "moderation"),
        new("text-moderation", 32_768, 0, 0, Kind: "moderation"),
    ];

    /// <summary>The family of a model id, or null for a model Maestro has no table entry for.</summary>
    public static OpenAIModelFamily? Find(string model)
    {
        // Fine-tuned models ("ft:gpt-4o-mini-2024-07-18:org::id") inherit their base model's limits.
        var id = model.StartsWith("ft:", StringComparison.Ordinal) ? model[3..] : model;
        OpenAIModelFamily? best = null;
        foreach (var family in Families)
        {
            if (id.StartsWith(family.Prefix, StringComparison.Ordinal) && (best is null || family.Prefix.Length > best.Prefix.Length))
            {
                best = family;
            }
        }

        return best;
    }

    /// <summary>Unknown models are treated as reasoning models only when their id looks like one (o-series, gpt-5).</summary>
    public static bool IsReasoning(string model) => Find(model)?.Reasoning ?? LooksLikeReasoning(model);

    /// <summary>The effort value OpenAI takes for this model, or null to leave the model's default.</summary>
    public static string? Effort(string model, ReasoningEffort? effort)
    {
        var family = Find(model);
        return effort switch
        {
            null => null,
            ReasoningEffort.None => family?.LowestEffort ?? "minimal",
            ReasoningEffort.Low => "low",
            ReasoningEffort.Medium => "medium",
            ReasoningEffort.High => "high",
            ReasoningEffort.ExtraHigh => family?.ExtraHighEffort == true ? "xhigh" : "high",
            _ => null,
        };
    }

    private static bool LooksLikeReasoning(string model) =>
        model.Length >= 2 && model[0] == 'o' && char.IsAsciiDigit(model[1]) ||
        model.StartsWith("gpt-5", StringComparison.Ordinal) && !model.Contains("-chat", StringComparison.Ordinal);
}
