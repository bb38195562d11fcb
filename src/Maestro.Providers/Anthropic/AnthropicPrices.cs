using Maestro.Core.Usage;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// Anthropic's list prices (US$ per million tokens; cache writes at the 5-minute rate, the default), by model alias:
/// dated snapshots take their alias's price. Checked against Anthropic's price page (the newest copy reachable was
/// verified 2026-08-07); the models it lists by name only, whose API ids it does not give, are left out. No long-context
/// tier: Maestro does not ask for the 1M-token context beta, so no prompt goes past 200k tokens. Update this file when
/// Anthropic's price page changes.
/// </summary>
internal static class AnthropicPrices
{
    private static readonly ModelPrice Opus45 = new(5m, 25m, CachedInput: 0.5m, CacheWrite: 6.25m);
    private static readonly ModelPrice Opus4 = new(15m, 75m, CachedInput: 1.5m, CacheWrite: 18.75m);
    private static readonly ModelPrice Sonnet = new(3m, 15m, CachedInput: 0.3m, CacheWrite: 3.75m);

    public static PriceList List { get; } = new(
        new DateOnly(2026, 12, 5),
        "https://platform.claude.com/docs/en/about-claude/pricing",
        new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            ["claude-opus-4-7"] = Opus45,
            ["claude-opus-4-6"] = Opus45,
            ["claude-opus-4-5"] = Opus45,
            ["claude-opus-4-1"] = Opus4,
            ["claude-opus-4"] = Opus4,
            ["claude-opus-4-0"] = Opus4,
            ["claude-sonnet-4-6"] = Sonnet,
            ["claude-sonnet-4-5"] = Sonnet,
            ["claude-sonnet-4"] = Sonnet,
            ["claude-sonnet-4-0"] = Sonnet,
            ["claude-3-7-sonnet"] = Sonnet,
            ["claude-haiku-4-5"] = new(1m, 5m, CachedInput: 0.1m, CacheWrite: 1.25m),
            ["claude-3-5-haiku"] = new(0.8m, 4m, CachedInput: 0.08m, CacheWrite: 1m),
            ["claude-3-haiku"] = new(0.25m, 1.25m, CachedInput: 0.03m, CacheWrite: 0.3m),
        });
}
