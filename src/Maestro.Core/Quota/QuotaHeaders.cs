using System.Globalization;
using System.Net.Http.Headers;

namespace Maestro.Core.Quota;

/// <summary>Reading single header values as numbers and times, for the providers' quota readers. Bad values read as absent.</summary>
public static class QuotaHeaders
{
    public static string? Value(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? First(values) : null;

    public static long? Long(HttpResponseHeaders headers, string name) =>
        long.TryParse(Value(headers, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static double? Double(HttpResponseHeaders headers, string name) =>
        double.TryParse(Value(headers, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    /// <summary>A Unix time in seconds, e.g. <c>1767225600</c>.</summary>
    public static DateTimeOffset? UnixSeconds(HttpResponseHeaders headers, string name) =>
        Long(headers, name) is { } seconds and > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>An RFC 3339 time, e.g. <c>2026-12-05T14:03:00Z</c>.</summary>
    public static DateTimeOffset? Time(HttpResponseHeaders headers, string name) =>
        DateTimeOffset.TryParse(Value(headers, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value.ToUniversalTime() : null;

    /// <summary>Booleans as the providers send them: <c>true</c>/<c>false</c> or <c>1</c>/<c>0</c>.</summary>
    public static bool? Bool(HttpResponseHeaders headers, string name) => Value(headers, name) switch
    {
        "true" or "True" or "1" => true,
        "false" or "False" or "0" => false,
        _ => null,
    };

    private static string? First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }
}
