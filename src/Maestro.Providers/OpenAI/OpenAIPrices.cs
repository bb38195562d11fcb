using Maestro.Core.Usage;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// OpenAI's standard-tier list prices (US$ per million tokens; reasoning tokens are billed as output), by model alias:
/// dated snapshots take their alias's price. Update this file when OpenAI's price page changes.
/// </summary>
internal static class OpenAIPrices
{
    private static readonly ModelPrice Gpt5 = new(1.25m, 10m, CachedInput: 0.125m);
    private static readonly ModelPrice Gpt5Mini = new(0.25m, 2m, CachedInput: 0.025m);
    private static readonly ModelPrice Gpt52 = new(1.75m, 14m, CachedInput: 0.175m);

    public static PriceList List { get; } = new(
        new DateOnly(2026, 12, 5),
        "https://platform.openai.com/docs/pricing",
        new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            ["gpt-5.4"] = new(2.5m, 15m, CachedInput: 0.25m),
            ["gpt-5.4-mini"] = new(0.75m, 4.5m, CachedInput: 0.075m),
            ["gpt-5.4-nano"] = new(0.2m, 1.25m, CachedInput: 0.02m),
            ["gpt-5.2"] = Gpt52,
            ["gpt-5.2-codex"] = Gpt52,
            ["gpt-5.2-pro"] = new(21m, 168m),
            ["gpt-5.1"] = Gpt5,
            ["gpt-5.1-codex"] = Gpt5,
            ["gpt-5.1-codex-max"] = Gpt5,
            ["gpt-5.1-codex-mini"] = Gpt5Mini,
            ["gpt-5"] = Gpt5,
            ["gpt-5-codex"] = Gpt5,
            ["gpt-5-pro"] = new(15m, 120m),
            ["gpt-5-mini"] = Gpt5Mini,
            ["gpt-5-nano"] = new(0.05m, 0.4m, CachedInput: 0.005m),
            ["gpt-4.1"] = new(2m, 8m, CachedInput: 0.5m),
            ["gpt-4.1-mini"] = new(0.4m, 1.6m, CachedInput: 0.1m),
            ["gpt-4.1-nano"] = new(0.1m, 0.4m, CachedInput: 0.025m),
            ["gpt-4o"] = new(2.5m, 10m, CachedInput: 1.25m),
            ["gpt-4o-mini"] = new(0.15m, 0.6m, CachedInput: 0.075m),
            ["o3"] = new(2m, 8m, CachedInput: 0.5m),
            ["o4-mini"] = new(1.1m, 4.4m, CachedInput: 0.275m),
            ["o3-mini"] = new(1.1m, 4.4m, CachedInput: 0.55m),
        });
}
