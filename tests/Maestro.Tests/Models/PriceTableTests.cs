using Maestro.Core.Usage;

namespace Maestro.Tests.Models;

/// <summary>Built-in prices per provider, overridden by the price file and by the settings; costs by token kind.</summary>
public sealed class PriceTableTests
{
    private static readonly Dictionary<string, PriceList> BuiltIn = new(StringComparer.Ordinal)
    {
        ["anthropic"] = new(new DateOnly(2026, 12, 5), "test", new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            ["claude-sonnet-4-5"] = new(3m, 15m, CachedInput: 0.3m, CacheWrite: 3.75m),
        }),
        ["openai"] = new(new DateOnly(2026, 12, 5), "test", new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
        {
            ["gpt-5"] = new(1.25m, 10m, CachedInput: 0.125m),
            ["gpt-5-mini"] = new(0.25m, 2m, CachedInput: 0.025m),
        }),
    };

    [Fact]
    public void Built_in_prices_cover_dated_ids_of_the_same_model_only()
    {
        var table = new PriceTable(new Dictionary<string, ModelPrice>(), BuiltIn);

        var sonnet = table.Find("anthropic", "claude-sonnet-4-5-20250929").ShouldNotBeNull();
        sonnet.Price.Input.ShouldBe(3m);
        sonnet.Source.ShouldBe(PriceSources.BuiltIn);
        sonnet.Checked.ShouldBe(new DateOnly(2026, 12, 5));

        table.Find("openai", "gpt-5-mini-2025-08-07")!.Price.Input.ShouldBe(0.25m);
        table.Find("openai", "gpt-5.3").ShouldBeNull("a newer model is not priced like an older one that starts the same way");
        table.Find("anthropic", "gpt-5").ShouldBeNull("prices are per provider");
        table.Find("local", "gpt-5").ShouldBeNull("an OpenAI-compatible endpoint's gpt-5 is not priced like OpenAI's");
    }

    [Fact]
    public void The_price_file_and_the_settings_override_the_built_in_table()
    {
        var file = new Dictionary<string, ModelPrice>(StringComparer.Ordinal) { ["claude-sonnet-4-5"] = new(2m, 10m) };
        var table = new PriceTable(file, BuiltIn);
        table.Find("anthropic", "claude-sonnet-4-5-20250929")!.Source.ShouldBe(PriceSources.File);
        table.Find("anthropic", "claude-sonnet-4-5-20250929")!.Price.Input.ShouldBe(2m);

        table.SetOverrides(new Dictionary<string, ModelPrice> { ["anthropic/claude-sonnet-4-5"] = new(1m, 5m) });
        var saved = table.Find("anthropic", "claude-sonnet-4-5")!;
        saved.Source.ShouldBe(PriceSources.Settings);
        saved.Price.Input.ShouldBe(1m);
        table.Find("openai", "claude-sonnet-4-5")!.Source.ShouldBe(PriceSources.File, "a provider-scoped override applies to that provider only");
    }

    [Fact]
    public void A_cost_prices_cache_reads_cache_writes_and_reasoning_apart()
    {
        var price = new ModelPrice(3m, 15m, CachedInput: 0.3m, CacheWrite: 3.75m, Reasoning: 20m);

        // 1M input of which 200k cache reads and 100k cache writes; 500k output of which 100k reasoning.
        var cost = PriceTable.Cost(price, new UsageCounts(1_000_000, 500_000, 200_000, CacheWrite: 100_000, Reasoning: 100_000));

        cost.ShouldBe((0.7m * 3m) + (0.2m * 0.3m) + (0.1m * 3.75m) + (0.4m * 15m) + (0.1m * 20m));
        PriceTable.Cost(new ModelPrice(1m, 2m), new UsageCounts(1_000_000, 1_000_000, 500_000)).ShouldBe(3m, "unpriced kinds bill as input and output");
    }

    [Fact]
    public void The_price_file_still_reads_the_documented_format()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"models": {"claude-sonnet-4-5": {"input": 3, "output": 15, "cached_input": 0.3, "cache_write": 3.75}}}""");
        try
        {
            var table = PriceTable.Load(path);
            table.Count.ShouldBe(1);
            table.Cost("anthropic", "claude-sonnet-4-5-20250929", new UsageCounts(1_000_000, 0, 0)).ShouldBe(3m);
            table.Find("anthropic", "claude-sonnet-4-5")!.Price.CacheWrite.ShouldBe(3.75m);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_call_above_the_long_context_threshold_is_billed_whole_at_the_long_context_prices()
    {
        var pro = new ModelPrice(1.25m, 10m, CachedInput: 0.125m, LongContext: new LongContextPrice(200_000, 2.5m, 15m, CachedInput: 0.25m));

        // 100k input (20k of it from the cache), 1k output: all at the standard prices.
        PriceTable.Cost(pro, new UsageCounts(100_000, 1_000, 20_000)).ShouldBe((0.08m * 1.25m) + (0.02m * 0.125m) + (0.001m * 10m));

        // 300k input (100k from the cache), 2k output: every token at the long-context prices, not only those past 200k.
        PriceTable.Cost(pro, new UsageCounts(300_000, 2_000, 100_000)).ShouldBe((0.2m * 2.5m) + (0.1m * 0.25m) + (0.002m * 15m));

        // "Prompts > 200k tokens": exactly 200,000 is still the standard tier.
        PriceTable.Cost(pro, new UsageCounts(200_000, 0, 0)).ShouldBe(0.25m);
        PriceTable.Cost(pro, new UsageCounts(200_001, 0, 0)).ShouldBe(Math.Round(200_001m * 2.5m / 1_000_000m, 6));

        // A sum of calls is billed in the tier its calls shared, whatever the sum adds up to.
        PriceTable.Cost(pro, new UsageCounts(400_000, 0, 0), promptTokens: 150_000).ShouldBe(0.5m);
    }

    [Fact]
    public void The_built_in_gemini_and_openai_lists_carry_the_long_context_tiers()
    {
        var table = new PriceTable(new Dictionary<string, ModelPrice>(), new Dictionary<string, PriceList>(StringComparer.Ordinal)
        {
            ["gemini"] = Maestro.Providers.Gemini.GeminiPrices.List,
            ["openai"] = Maestro.Providers.OpenAI.OpenAIPrices.List,
        });

        var pro = table.Find("gemini", "gemini-2.5-pro").ShouldNotBeNull().Price;
        table.Cost("gemini", "gemini-2.5-pro", new UsageCounts(100_000, 10_000, 0)).ShouldBe(0.125m + 0.1m);
        table.Cost("gemini", "gemini-2.5-pro", new UsageCounts(300_000, 10_000, 0)).ShouldBe(0.75m + 0.15m);
        PriceText.InputOutput(pro).ShouldBe("$1.25 / $10 per M; above 200k: $2.50 / $15");
        PriceText.InputOutput(table.Find("gemini", "gemini-2.5-flash")!.Price).ShouldBe("$0.30 / $2.50 per M", "Flash has one price for every prompt size");
        PriceText.InputOutput(table.Find("openai", "gpt-5.4")!.Price).ShouldBe("$2.50 / $15 per M; above 272k: $5 / $22.50");
        table.LongContextThresholds().ShouldBe(new long[] { 200_000, 272_000 });
        Maestro.Providers.Gemini.GeminiPrices.List.Source.ShouldBe("https://ai.google.dev/gemini-api/docs/pricing");
        Maestro.Providers.OpenAI.OpenAIPrices.List.Source.ShouldBe("https://platform.openai.com/docs/pricing");
    }

    [Fact]
    public void The_same_model_id_is_priced_by_the_provider_that_serves_it()
    {
        var file = new Dictionary<string, ModelPrice>(StringComparer.Ordinal) { ["local/gpt-5"] = new(0.1m, 0.2m) };
        var table = new PriceTable(file, BuiltIn);
        var call = new UsageCounts(1_000_000, 1_000_000, 0);

        table.Cost("openai", "gpt-5", call).ShouldBe(1.25m + 10m);
        table.Cost("local", "gpt-5", call).ShouldBe(0.3m);
        table.Cost("other", "gpt-5", call).ShouldBeNull("no price is better than another provider's");
    }

    [Fact]
    public void The_price_file_and_the_settings_take_a_long_context_tier()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"models": {"my-model": {"input": 1, "output": 2, "long_context": {"above": 1000, "input": 3, "output": 4, "cached_input": 0.5}}}}""");
        try
        {
            var table = PriceTable.Load(path);
            var tier = table.Find("local", "my-model")!.Price.LongContext.ShouldNotBeNull();
            tier.ShouldBe(new LongContextPrice(1000, 3m, 4m, CachedInput: 0.5m));
            table.Cost("local", "my-model", new UsageCounts(2_000, 1_000, 0)).ShouldBe(0.01m);
            table.LongContextThresholds().ShouldBe(new long[] { 1000 });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
