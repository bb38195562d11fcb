using Maestro.Core.Usage;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// OpenAI's Standard-tier prices (US$ per million tokens; reasoning tokens are billed as output), by model alias: dated
/// snapshots take their alias's price. The 1.05M-context models bill a whole call at their long-context prices once its
/// prompt is above 272,000 tokens ("2x input and 1.5x output"). Read from OpenAI's price page and its model pages (the
/// newest copies reachable when checked: the price page of 2026-05-08 and the model pages cited below). Update this file
/// when those pages change.
/// </summary>
internal static class OpenAIPrices
{
    private const long LongPrompt = 272_000;

    // Confirmed on the model pages: gpt-5-codex, gpt-5.1-codex-mini, gpt-5-mini. The other GPT-5 and GPT-5.1 entries are
    // the prices OpenAI's GPT-5.2 launch listed for them; no official copy of their own pages was reachable to re-check.
    private static readonly ModelPrice Gpt5 = new(1.25m, 10m, CachedInput: 0.125m);
    private static readonly ModelPrice Gpt5Mini = new(0.25m, 2m, CachedInput: 0.025m);
    private static readonly ModelPrice Gpt52 = new(1.75m, 14m, CachedInput: 0.175m);
    private static readonly ModelPrice Pro54 = new(30m, 180m, LongContext: new(LongPrompt, 60m, 270m));

    public static PriceList List { get; } = new(
        new DateOnly(2026, 12, 5),
        "https://platform.openai.com/docs/pricing",
        new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            // The price page's flagship table (short and long context) and its specialized models.
            ["gpt-5.5"] = new(5m, 30m, CachedInput: 0.5m, LongContext: new(LongPrompt, 10m, 45m, CachedInput: 1m)),
            ["gpt-5.5-pro"] = Pro54,
            ["gpt-5.4"] = new(2.5m, 15m, CachedInput: 0.25m, LongContext: new(LongPrompt, 5m, 22.5m, CachedInput: 0.5m)),
            ["gpt-5.4-pro"] = Pro54,
            ["gpt-5.4-mini"] = new(0.75m, 4.5m, CachedInput: 0.075m),
            ["gpt-5.4-nano"] = new(0.2m, 1.25m, CachedInput: 0.02m),
            ["gpt-5.3-codex"] = Gpt52,
            ["chat-latest"] = new(5m, 30m, CachedInput: 0.5m),

            // Model pages: gpt-5.2-pro $21 / $168.
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

            // Model pages: gpt-4.1, gpt-4o, o4-mini, o1-preview and gpt-4-turbo confirmed; the mini/nano and o3 entries
            // are kept from the earlier list (no official copy reachable to re-check).
            ["gpt-4.1"] = new(2m, 8m, CachedInput: 0.5m),
            ["gpt-4.1-mini"] = new(0.4m, 1.6m, CachedInput: 0.1m),
            ["gpt-4.1-nano"] = new(0.1m, 0.4m, CachedInput: 0.025m),
            ["gpt-4o"] = new(2.5m, 10m, CachedInput: 1.25m),
            ["gpt-4o-mini"] = new(0.15m, 0.6m, CachedInput: 0.075m),
            ["o3"] = new(2m, 8m, CachedInput: 0.5m),
            ["o4-mini"] = new(1.1m, 4.4m, CachedInput: 0.275m),
            ["o3-mini"] = new(1.1m, 4.4m, CachedInput: 0.55m),
            ["o1-preview"] = new(15m, 60m, CachedInput: 7.5m),
            ["gpt-4-turbo"] = new(10m, 30m),
        });
}
