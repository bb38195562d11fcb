using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Models;

namespace Maestro.Core.Usage;

/// <summary>
/// Prices per million tokens, so costs show with no set-up. Three layers, the first that knows a model wins: prices
/// saved in the settings (<see cref="SetOverrides"/>), the user's price file (MAESTRO_PRICES, default
/// $MAESTRO_HOME/prices.json: <c>{"models": {"claude-sonnet-4-5": {"input": 3, "output": 15, "cached_input": 0.3}}}</c>, with an
/// optional <c>"long_context": {"above": 200000, "input": 6, "output": 22.5}</c> tier),
/// and the providers' built-in lists (<see cref="PriceList"/>, one file per provider). Override keys are a model id
/// (any provider) or <c>provider/model</c>; they match a model exactly or by their longest prefix. Built-in entries
/// match the model and its dated snapshots only, never another model that merely starts the same way.
/// </summary>
public sealed class PriceTable
{
    private static readonly JsonSerializerOptions FileOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly IReadOnlyDictionary<string, PriceList> _builtIn;
    private readonly IReadOnlyDictionary<string, ModelPrice> _file;
    private volatile IReadOnlyDictionary<string, ModelPrice> _overrides = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);

    public PriceTable(IReadOnlyDictionary<string, ModelPrice> file, IReadOnlyDictionary<string, PriceList>? builtIn = null)
    {
        _file = file;
        _builtIn = builtIn ?? new Dictionary<string, PriceList>(StringComparer.Ordinal);
    }

    public static PriceTable Empty { get; } = new(new Dictionary<string, ModelPrice>(StringComparer.Ordinal));

    /// <summary>Entries of the price file.</summary>
    public int Count => _file.Count;

    /// <summary>The built-in lists by provider id.</summary>
    public IReadOnlyDictionary<string, PriceList> BuiltIn => _builtIn;

    /// <summary>The price file's entries (MAESTRO_PRICES).</summary>
    public IReadOnlyDictionary<string, ModelPrice> FileEntries => _file;

    /// <summary>The prices saved in the settings.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Overrides => _overrides;

    /// <summary>Reads the price file (none: no file layer) and takes the providers' built-in lists.</summary>
    public static PriceTable Load(string? path, IReadOnlyDictionary<string, PriceList>? builtIn = null) =>
        new(ReadFile(path), builtIn);

    /// <summary>Replaces the settings layer (the settings service calls this when prices are saved or loaded).</summary>
    public void SetOverrides(IReadOnlyDictionary<string, ModelPrice> overrides) =>
        _overrides = new Dictionary<string, ModelPrice>(overrides, StringComparer.Ordinal);

    public static Dictionary<string, ModelPrice> ReadFile(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        }

        try
        {
            var file = JsonSerializer.Deserialize<PriceFile>(File.ReadAllText(path), FileOptions);
            return new Dictionary<string, ModelPrice>(file?.Models ?? [], StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new MaestroException($"The price table {path} is not valid JSON: {ex.Message}",
                "Expected {\"models\": {\"model-id\": {\"input\": 3.0, \"output\": 15.0, \"cached_input\": 0.3, \"cache_write\": 3.75, " +
                "\"long_context\": {\"above\": 200000, \"input\": 6.0, \"output\": 22.5}}}} (US$ per million tokens; long_context is optional).");
        }
    }

    /// <summary>
    /// The price of <paramref name="model"/> as <paramref name="provider"/> serves it, or null when no layer has one. The
    /// provider is always needed: two providers can serve the same model id at different prices (an OpenAI-compatible
    /// endpoint's <c>gpt-4o</c> is not OpenAI's), so a built-in list only ever prices its own provider's models.
    /// </summary>
    public PriceQuote? Find(string provider, string model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        if (FindOverride(_overrides, provider, model) is { } saved)
        {
            return new PriceQuote(model, saved, PriceSources.Settings);
        }

        if (FindOverride(_file, provider, model) is { } filed)
        {
            return new PriceQuote(model, filed, PriceSources.File);
        }

        return _builtIn.TryGetValue(provider, out var list) ? FindBuiltIn(list, model) : null;
    }

    /// <summary>
    /// Every prompt size above which some price has a long-context tier, ascending. Usage sums are split at these sizes
    /// so that the calls summed together are all billed in the same tier.
    /// </summary>
    public IReadOnlyList<long> LongContextThresholds()
    {
        var thresholds = new SortedSet<long>();
        Collect(_overrides.Values);
        Collect(_file.Values);
        foreach (var list in _builtIn.Values)
        {
            Collect(list.Models.Values);
        }

        return [.. thresholds];

        void Collect(IEnumerable<ModelPrice> prices)
        {
            foreach (var price in prices)
            {
                if (price.LongContext is { } tier)
                {
                    thresholds.Add(tier.Above);
                }
            }
        }
    }

    /// <summary>US$ for one call, rounded to a millionth of a dollar; null when the model has no price.</summary>
    public decimal? Cost(string provider, string model, UsageCounts call) =>
        Find(provider, model) is { } quote ? Cost(quote.Price, call) : null;

    /// <summary>US$ for one call: its prompt size picks the tier (<see cref="ModelPrice.For"/>).</summary>
    public static decimal Cost(ModelPrice price, UsageCounts call) => Cost(price, call, call.Input);

    /// <summary>
    /// US$ for <paramref name="usage"/> — one call, or the sum of calls that all fall in one tier — billed in the tier of
    /// a prompt of <paramref name="promptTokens"/> input tokens.
    /// </summary>
    public static decimal Cost(ModelPrice price, UsageCounts usage, long promptTokens)
    {
        price = price.For(promptTokens);
        var cached = Math.Max(0, usage.CachedInput);
        var written = Math.Max(0, usage.CacheWrite);
        var uncached = Math.Max(0, usage.Input - cached - written);
        var reasoning = Math.Clamp(usage.Reasoning, 0, Math.Max(0, usage.Output));
        var cost = (uncached * price.Input)
                   + (cached * (price.CachedInput ?? price.Input))
                   + (written * (price.CacheWrite ?? price.Input))
                   + ((usage.Output - reasoning) * price.Output)
                   + (reasoning * (price.Reasoning ?? price.Output));
        return Math.Round(cost / 1_000_000m, 6);
    }

    private static ModelPrice? FindOverride(IReadOnlyDictionary<string, ModelPrice> entries, string provider, string model)
    {
        if (entries.Count == 0)
        {
            return null;
        }

        if (entries.TryGetValue($"{provider}/{model}", out var scoped))
        {
            return scoped;
        }

        if (entries.TryGetValue(model, out var exact))
        {
            return exact;
        }

        ModelPrice? best = null;
        var bestLength = 0;
        foreach (var (key, price) in entries)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && !key.AsSpan(0, slash).SequenceEqual(provider))
            {
                continue;
            }

            var prefix = slash >= 0 ? key[(slash + 1)..] : key;
            if (model.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length > bestLength)
            {
                best = price;
                bestLength = prefix.Length;
            }
        }

        return best;
    }

    private static PriceQuote? FindBuiltIn(PriceList list, string model)
    {
        if (list.Models.TryGetValue(model, out var exact))
        {
            return new PriceQuote(model, exact, PriceSources.BuiltIn, list.Checked);
        }

        var alias = ModelIds.BaseOf(model);
        return alias.Length != model.Length && list.Models.TryGetValue(alias, out var dated)
            ? new PriceQuote(alias, dated, PriceSources.BuiltIn, list.Checked)
            : null;
    }

    private sealed record PriceFile(Dictionary<string, ModelPrice>? Models);
}
