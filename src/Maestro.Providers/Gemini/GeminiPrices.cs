using Maestro.Core.Usage;

namespace Maestro.Providers.Gemini;

/// <summary>
/// The Gemini API's paid-tier list prices (US$ per million tokens, for prompts up to 200,000 tokens; thinking tokens are
/// billed as output; cached input is the context-cache read price). Longer prompts cost more on the Pro models: costs
/// shown for them are a lower bound. Update this file when Google's price page changes.
/// </summary>
internal static class GeminiPrices
{
    private static readonly ModelPrice Pro3 = new(2m, 12m, CachedInput: 0.2m);

    public static PriceList List { get; } = new(
        new DateOnly(2026, 12, 5),
        "https://ai.google.dev/gemini-api/docs/pricing",
        new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            ["gemini-3.1-pro-preview"] = Pro3,
            ["gemini-3-pro-preview"] = Pro3,
            ["gemini-3-flash-preview"] = new(0.5m, 3m, CachedInput: 0.05m),
            ["gemini-2.5-pro"] = new(1.25m, 10m, CachedInput: 0.125m),
            ["gemini-2.5-flash"] = new(0.3m, 2.5m, CachedInput: 0.03m),
            ["gemini-2.5-flash-lite"] = new(0.1m, 0.4m, CachedInput: 0.01m),
            ["gemini-2.0-flash"] = new(0.1m, 0.4m, CachedInput: 0.025m),
            ["gemini-2.0-flash-lite"] = new(0.075m, 0.3m),
        });
}
