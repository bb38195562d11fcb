using System.Globalization;
using System.Text.Json;
using Maestro.Core.Quota;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// The OpenAI API's limits, from the headers on every response:
/// <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c>, the reset as a duration (<c>6m0s</c>, <c>12ms</c>,
/// <c>1h2m3.5s</c>). Servers that copy the convention (Groq, and other OpenAI-compatible endpoints) read the same way.
/// A 429 whose body says <c>insufficient_quota</c> is a used-up balance, not a rate limit: it does not clear by waiting.
/// </summary>
public sealed class OpenAIQuotaReader : IQuotaReader
{
    public static OpenAIQuotaReader Instance { get; } = new();

    private static readonly string[] Names = ["requests", "tokens"];

    public bool ReadsBody(int status) => status == 429;

    public QuotaReading? Read(QuotaResponse response)
    {
        var headers = response.Headers;
        List<QuotaWindow>? windows = null;
        foreach (var name in Names)
        {
            var limit = QuotaHeaders.Long(headers, "x-ratelimit-limit-" + name);
            var remaining = QuotaHeaders.Long(headers, "x-ratelimit-remaining-" + name);
            if (limit is null && remaining is null)
            {
                continue;
            }

            var reset = Duration(QuotaHeaders.Value(headers, "x-ratelimit-reset-" + name));
            (windows ??= []).Add(new QuotaWindow(name, QuotaWindow.Percent(limit, remaining), response.Now + reset, limit, remaining));
        }

        if (response.Status == 429 && ErrorCode(response.Body.Span) == "insufficient_quota")
        {
            return new QuotaReading(windows, Exhausted: true, Detail: "the account's quota (credit balance) is used up: check the plan and billing details");
        }

        return windows is null ? null : new QuotaReading(windows);
    }

    /// <summary>A Go-style duration: <c>1h2m3.5s</c>, <c>6m0s</c>, <c>12ms</c>, <c>250us</c>; null when it does not read.</summary>
    public static TimeSpan? Duration(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var total = 0.0;
        var span = text.AsSpan().Trim();
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            span = span[digits..];
            var unit = 0;
            while (unit < span.Length && char.IsLetter(span[unit]))
            {
                unit++;
            }

            var seconds = span[..unit] switch
            {
                "h" => 3600.0,
                "m" => 60.0,
                "s" or "" => 1.0,
                "ms" => 0.001,
                "us" or "µs" => 0.000001,
                "ns" => 0.000000001,
                _ => double.NaN,
            };
            if (double.IsNaN(seconds))
            {
                return null;
            }

            total += number * seconds;
            span = span[unit..];
        }

        return TimeSpan.FromSeconds(total);
    }

    private static string? ErrorCode(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? (error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null) ??
                  (error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
