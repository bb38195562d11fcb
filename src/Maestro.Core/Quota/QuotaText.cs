using System.Globalization;

namespace Maestro.Core.Quota;

/// <summary>Quota in words, the same on the auth page and in the CLI.</summary>
public static class QuotaText
{
    /// <summary><c>5h</c> → "5-hour window", <c>7d</c> → "weekly window", <c>requests</c> → "requests", others as named.</summary>
    public static string Label(string name) => name switch
    {
        "5h" => "5-hour window",
        "7d" => "weekly window",
        "1d" => "daily window",
        "overage" => "extra usage",
        "input-tokens" => "input tokens",
        "output-tokens" => "output tokens",
        _ when name.StartsWith("7d_", StringComparison.Ordinal) => "weekly window (" + name[3..] + ")",
        _ => name,
    };

    /// <summary>"in 2 h 13 min", "in 45 s", "now"; empty when unknown.</summary>
    public static string ResetsIn(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } reset)
        {
            return "";
        }

        var wait = reset - now;
        if (wait <= TimeSpan.Zero)
        {
            return "now";
        }

        var culture = CultureInfo.InvariantCulture;
        return wait.TotalDays >= 1 ? string.Format(culture, "in {0} d {1} h", (int)wait.TotalDays, wait.Hours)
            : wait.TotalHours >= 1 ? string.Format(culture, "in {0} h {1} min", (int)wait.TotalHours, wait.Minutes)
            : wait.TotalMinutes >= 1 ? string.Format(culture, "in {0} min", (int)Math.Ceiling(wait.TotalMinutes))
            : string.Format(culture, "in {0} s", Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
    }

    /// <summary>"37%" (whole percents; one decimal below 1%).</summary>
    public static string Percent(double? used) => used switch
    {
        null => "–",
        > 0 and < 1 => used.Value.ToString("0.#", CultureInfo.InvariantCulture) + "%",
        _ => Math.Round(used.Value).ToString(CultureInfo.InvariantCulture) + "%",
    };
}
