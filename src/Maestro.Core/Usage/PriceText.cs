using System.Globalization;

namespace Maestro.Core.Usage;

/// <summary>How a price reads in the model picker, the settings page and the CLI (one wording everywhere).</summary>
public static class PriceText
{
    /// <summary>"$1.25 / $10 per M; above 200k: $2.50 / $15" — input and output per million tokens, with the long-context tier.</summary>
    public static string InputOutput(ModelPrice price)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Usd(price.Input)} / {Usd(price.Output)} per M");
        return price.LongContext is { } tier
            ? string.Create(CultureInfo.InvariantCulture, $"{text}; above {Tokens(tier.Above)}: {Usd(tier.Input)} / {Usd(tier.Output)}")
            : text;
    }

    /// <summary>"above 200k: $2.50 / $15, cached $0.25" — the whole long-context tier; empty without one.</summary>
    public static string LongContext(ModelPrice price)
    {
        if (price.LongContext is not { } tier)
        {
            return "";
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"above {Tokens(tier.Above)}: {Usd(tier.Input)} / {Usd(tier.Output)}");
        if (tier.CachedInput is { } cached)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", cached {Usd(cached)}");
        }

        if (tier.CacheWrite is { } written)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", cache write {Usd(written)}");
        }

        if (tier.Reasoning is { } reasoning)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", reasoning {Usd(reasoning)}");
        }

        return text;
    }

    /// <summary>"$2.50", "$10", "$0.125": cents shown once a price has them.</summary>
    public static string Usd(decimal value) =>
        value == decimal.Truncate(value)
            ? value.ToString("$0", CultureInfo.InvariantCulture)
            : value.ToString("$0.00##", CultureInfo.InvariantCulture);

    /// <summary>"200k", "272k", "1M", "128,500".</summary>
    public static string Tokens(long tokens) => tokens switch
    {
        >= 1_000_000 when tokens % 1_000_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{tokens / 1_000_000}M"),
        >= 1000 when tokens % 1000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{tokens / 1000}k"),
        _ => tokens.ToString("N0", CultureInfo.InvariantCulture),
    };
}
