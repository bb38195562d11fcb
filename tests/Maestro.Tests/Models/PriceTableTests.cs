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
        table.Find(null, "gpt-5")!.Price.Output.ShouldBe(10m);
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
            table.Cost("claude-sonnet-4-5-20250929", 1_000_000, 0, 0).ShouldBe(3m);
            table.Find(null, "claude-sonnet-4-5")!.Price.CacheWrite.ShouldBe(3.75m);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
