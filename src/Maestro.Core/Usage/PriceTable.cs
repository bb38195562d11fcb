using System.Text.Json;
using Maestro.Core.Errors;

namespace Maestro.Core.Usage;

/// <summary>
/// Prices per million tokens, from a JSON file the user keeps (MAESTRO_PRICES, default $MAESTRO_HOME/prices.json):
/// <c>{"models": {"claude-sonnet-4-5": {"input": 3, "output": 15, "cached_input": 0.3}}}</c>. Maestro ships no prices:
/// they change, and a wrong cost is worse than none. A model matches an entry exactly or by its longest prefix.
/// </summary>
public sealed class PriceTable
{
    private static readonly JsonSerializerOptions FileOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Dictionary<string, ModelPrice> _prices;

    public PriceTable(Dictionary<string, ModelPrice> prices) => _prices = prices;

    public static PriceTable Empty { get; } = new([]);

    public int Count => _prices.Count;

    public static PriceTable Load(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return Empty;
        }

        try
        {
            var file = JsonSerializer.Deserialize<PriceFile>(File.ReadAllText(path), FileOptions);
            return new PriceTable(file?.Models ?? []);
        }
        catch (JsonException ex)
        {
            throw new MaestroException($"The price table {path} is not valid JSON: {ex.Message}",
                "Expected {\"models\": {\"model-id\": {\"input\": 3.0, \"output\": 15.0, \"cached_input\": 0.3}}} (US$ per million tokens).");
        }
    }

    public decimal? Cost(string model, long input, long output, long cachedInput)
    {
        var price = Find(model);
        if (price is null)
        {
            return null;
        }

        var uncached = Math.Max(0, input - cachedInput);
        var cost = (uncached * price.Input) + (output * price.Output) + (cachedInput * (price.CachedInput ?? price.Input));
        return Math.Round(cost / 1_000_000m, 6);
    }

    private ModelPrice? Find(string model)
    {
        if (_prices.TryGetValue(model, out var exact))
        {
            return exact;
        }

        ModelPrice? best = null;
        var bestLength = 0;
        foreach (var (key, price) in _prices)
        {
            if (model.StartsWith(key, StringComparison.Ordinal) && key.Length > bestLength)
            {
                best = price;
                bestLength = key.Length;
            }
        }

        return best;
    }

    private sealed record PriceFile(Dictionary<string, ModelPrice>? Models);
}

public sealed record ModelPrice(decimal Input, decimal Output, decimal? CachedInput);
