using Maestro.Core.Usage;

namespace Maestro.Providers.Gemini;

/// <summary>
/// The Gemini API's paid-tier Standard prices (US$ per million tokens; text, image and video input — audio input costs
/// more and is not priced apart; thinking tokens are billed as output; cached input is the context-cache read price,
/// without the hourly storage price). The Pro models bill a whole call at higher prices once its prompt is above 200,000
/// tokens. Read from Google's price page (the newest copy reachable when checked was dated 2026-06-02). Update this file
/// when that page changes.
/// </summary>
internal static class GeminiPrices
{
    // "$2.00, prompts <= 200k tokens / $4.00, prompts > 200k tokens" (output $12 / $18, cache reads $0.20 / $0.40).
    private static readonly ModelPrice Pro3 = new(2m, 12m, CachedInput: 0.2m, LongContext: new(200_000, 4m, 18m, CachedInput: 0.4m));

    public static PriceList List { get; } = new(
        new DateOnly(2026, 12, 5),
        "https://ai.google.dev/gemini-api/docs/pricing",
        new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            ["gemini-3.5-flash"] = new(1.5m, 9m, CachedInput: 0.15m),
            ["gemini-3.1-pro-preview"] = Pro3,
            ["gemini-3.1-pro-preview-customtools"] = Pro3,
            ["gemini-3.1-flash-lite"] = new(0.25m, 1.5m, CachedInput: 0.025m),
            ["gemini-3-flash-preview"] = new(0.5m, 3m, CachedInput: 0.05m),

            // Not on the price page any more (absent from its May and June 2026 copies; 3.1 Pro Preview replaced it). Kept,
            // for usage recorded under it, at the price it was last listed at — the same as 3.1 Pro Preview's.
            ["gemini-3-pro-preview"] = Pro3,
            ["gemini-2.5-pro"] = new(1.25m, 10m, CachedInput: 0.125m, LongContext: new(200_000, 2.5m, 15m, CachedInput: 0.25m)),
            ["gemini-2.5-flash"] = new(0.3m, 2.5m, CachedInput: 0.03m),
            ["gemini-2.5-flash-lite"] = new(0.1m, 0.4m, CachedInput: 0.01m),
            ["gemini-2.5-flash-lite-preview-09-2025"] = new(0.1m, 0.4m, CachedInput: 0.01m),

            // Shut down on 2026-06-01 (the page still lists them, marked deprecated): priced for recorded usage.
            ["gemini-2.0-flash"] = new(0.1m, 0.4m, CachedInput: 0.025m),
            ["gemini-2.0-flash-lite"] = new(0.075m, 0.3m),
        });
}
