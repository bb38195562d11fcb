namespace Maestro.Providers.Anthropic;

/// <summary>What Maestro knows about one Claude model family without asking the API.</summary>
/// <param name="Prefix">Model ids starting with this belong to the family (dated ids and aliases alike).</param>
/// <param name="DefaultMaxTokens">max_tokens sent when the caller gives none: the API requires the field.</param>
/// <param name="Thinking">How the family takes extended thinking.</param>
/// <param name="MaxEffort">The family accepts output_config.effort "max" (else ExtraHigh maps to "high").</param>
internal sealed record AnthropicModel(
    string Prefix,
    int ContextWindow,
    int MaxOutputTokens,
    int DefaultMaxTokens,
    AnthropicThinkingStyle Thinking,
    bool MaxEffort = false);

internal enum AnthropicThinkingStyle
{
    /// <summary>No extended thinking: reasoning options are ignored.</summary>
    None,

    /// <summary><c>thinking: {type: enabled, budget_tokens}</c>.</summary>
    Budget,

    /// <summary><c>thinking: {type: adaptive}</c> with <c>output_config.effort</c>; budgets are deprecated there.</summary>
    Adaptive,
}

/// <summary>
/// Per-family limits. The live model list has no limits, so these fill ModelInfo and pick a max_tokens default that
/// the model accepts. Longer prefixes come first so "claude-opus-4-1" is not taken for "claude-opus-4".
/// </summary>
internal static class AnthropicModels
{
    /// <summary>For ids no family matches (new or emulated models): a value every Claude model since 3.5 accepts.</summary>
    public const int FallbackMaxTokens = 8192;

    private static readonly AnthropicModel[] Families =
    [
        new("claude-opus-4-7", 200_000, 128_000, 64_000, AnthropicThinkingStyle.Adaptive, MaxEffort: true),
        new("claude-opus-4-6", 200_000, 128_000, 64_000, AnthropicThinkingStyle.Adaptive, MaxEffort: true),
        new("claude-sonnet-4-6", 200_000, 64_000, 64_000, AnthropicThinkingStyle.Adaptive),
        new("claude-opus-4-5", 200_000, 64_000, 64_000, AnthropicThinkingStyle.Budget),
        new("claude-opus-4-1", 200_000, 32_000, 32_000, AnthropicThinkingStyle.Budget),
        new("claude-opus-4", 200_000, 32_000, 32_000, AnthropicThinkingStyle.Budget),
        new("claude-sonnet-4-5", 200_000, 64_000, 64_000, AnthropicThinkingStyle.Budget),
        new("claude-sonnet-4", 200_000, 64_000, 64_000, AnthropicThinkingStyle.Budget),
        new("claude-haiku-4-5", 200_000, 64_000, 64_000, AnthropicThinkingStyle.Budget),
        new("claude-3-7-sonnet", 200_000, 64_000, 8192, AnthropicThinkingStyle.Budget),
        new("claude-3-5-sonnet", 200_000, 8192, 8192, AnthropicThinkingStyle.None),
        new("claude-3-5-haiku", 200_000, 8192, 8192, AnthropicThinkingStyle.None),
        new("claude-3-opus", 200_000, 4096, 4096, AnthropicThinkingStyle.None),
        new("claude-3-sonnet", 200_000, 4096, 4096, AnthropicThinkingStyle.None),
        new("claude-3-haiku", 200_000, 4096, 4096, AnthropicThinkingStyle.None),
    ];

    public static AnthropicModel? Find(string modelId)
    {
        foreach (var family in Families)
        {
            if (modelId.StartsWith(family.Prefix, StringComparison.Ordinal))
            {
                return family;
            }
        }

        return null;
    }

    public static int DefaultMaxTokens(string modelId) => Find(modelId)?.DefaultMaxTokens ?? FallbackMaxTokens;

    /// <summary>Unknown models get budget thinking: the form every thinking-capable Claude model accepted first.</summary>
    public static AnthropicThinkingStyle ThinkingStyle(string modelId) => Find(modelId)?.Thinking ?? AnthropicThinkingStyle.Budget;
}
