using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Usage;

namespace Maestro.Core.Settings;

/// <summary>
/// Prices saved in the settings (UI, API): they override the built-in table and the price file for the models they
/// name, as <c>model</c> (any provider) or <c>provider/model</c>. Saved in the database and pushed into the
/// <see cref="PriceTable"/>; <see cref="EnsureFreshAsync"/> re-reads them at most every <see cref="Refresh"/> so a change
/// made by another process shows without a restart.
/// </summary>
public sealed class PriceSettings(ISettingsStore store, PriceTable prices, ProviderRegistry providers, TimeProvider time) : IDisposable
{
    public const string Key = "prices";

    /// <summary>The most a price may be (US$ per million tokens): anything above is a typo.</summary>
    public const decimal MaxPrice = 10_000m;

    /// <summary>The largest long-context threshold (input tokens): no model reads more.</summary>
    public const long MaxPromptTokens = 100_000_000;

    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyDictionary<string, ModelPrice>> LoadAsync(CancellationToken cancellationToken)
    {
        var json = await store.GetAsync(Key, cancellationToken);
        var saved = json is null
            ? new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize<Dictionary<string, ModelPrice>>(json, Json) ?? new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        prices.SetOverrides(saved);
        _loadedAt = time.GetUtcNow();
        return saved;
    }

    /// <summary>Loads the saved prices when they were last read more than <see cref="Refresh"/> ago.</summary>
    public async Task EnsureFreshAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - _loadedAt < Refresh)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - _loadedAt >= Refresh)
            {
                await LoadAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Saves (or, with a null price, removes) the price of <paramref name="model"/>.</summary>
    public async Task<IReadOnlyDictionary<string, ModelPrice>> SetAsync(string? model, ModelPrice? price, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var key = model?.Trim() ?? "";
        if (key.Length is 0 or > 200 || key.Any(char.IsWhiteSpace))
        {
            errors.Add("model", "Give a model id (e.g. claude-sonnet-4-5) or provider/model, without spaces, at most 200 characters.");
        }
        else if (key.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash && !providers.TryGet(key[..slash], out _))
        {
            errors.Add("model", providers.UnknownMessage(key[..slash]));
        }

        if (price is not null)
        {
            Check(errors, "input", price.Input);
            Check(errors, "output", price.Output);
            Check(errors, "cached_input", price.CachedInput);
            Check(errors, "cache_write", price.CacheWrite);
            Check(errors, "reasoning", price.Reasoning);
            if (price.LongContext is { } tier)
            {
                if (tier.Above is < 1 or > MaxPromptTokens)
                {
                    errors.Add("long_context.above", $"The long-context threshold must be between 1 and {MaxPromptTokens:N0} input tokens (Gemini Pro's is 200000).");
                }

                Check(errors, "long_context.input", tier.Input);
                Check(errors, "long_context.output", tier.Output);
                Check(errors, "long_context.cached_input", tier.CachedInput);
                Check(errors, "long_context.cache_write", tier.CacheWrite);
                Check(errors, "long_context.reasoning", tier.Reasoning);
            }
        }

        errors.ThrowIfAny();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var saved = new Dictionary<string, ModelPrice>(await LoadAsync(cancellationToken), StringComparer.Ordinal);
            if (price is null)
            {
                if (!saved.Remove(key))
                {
                    throw new NotFoundException($"No saved price for '{key}'.");
                }
            }
            else
            {
                saved[key] = price;
            }

            await store.SetAsync(Key, JsonSerializer.Serialize(saved, Json), cancellationToken);
            prices.SetOverrides(saved);
            _loadedAt = time.GetUtcNow();
            return saved;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static void Check(FieldErrors errors, string field, decimal? value)
    {
        if (value is < 0 or > MaxPrice)
        {
            errors.Add(field, $"The {field.Replace("long_context.", "long-context ", StringComparison.Ordinal).Replace('_', ' ')} price must be between 0 and {MaxPrice:N0} US$ per million tokens.");
        }
    }
}
