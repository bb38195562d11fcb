using System.Globalization;
using System.Text.Json;
using Maestro.Core.Quota;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Gemini reports no rate-limit headers; its limits show only when one is hit: a 429 RESOURCE_EXHAUSTED whose
/// google.rpc.Status details carry a <c>QuotaFailure</c> (each violation: <c>quotaMetric</c>, <c>quotaId</c> such as
/// <c>GenerateRequestsPerMinutePerProjectPerModel-FreeTier</c>, <c>quotaValue</c> — the limit) and a <c>RetryInfo</c>
/// (<c>retryDelay</c>, e.g. <c>48s</c>). Each violation becomes a window used up until the retry delay ends (a daily
/// quota without one: midnight Pacific time, when Google resets them). A daily quota, or a quota of zero, is exhausted
/// rather than rate-limited. Code Assist answers the same bodies.
/// </summary>
public sealed class GeminiQuotaReader : IQuotaReader
{
    public static GeminiQuotaReader Instance { get; } = new();

    public bool ReadsBody(int status) => status == 429;

    public QuotaReading? Read(QuotaResponse response)
    {
        if (response.Status != 429 || response.Body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(response.Body.Span);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? Read(error, response.Now)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static QuotaReading? Read(JsonElement error, DateTimeOffset now)
    {
        if (!error.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        TimeSpan? delay = null;
        var violations = new List<(string Name, long? Limit, bool Daily, bool Zero)>();
        foreach (var detail in details.EnumerateArray())
        {
            var type = String(detail, "@type") ?? "";
            if (type.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal))
            {
                delay = Duration(String(detail, "retryDelay"));
            }
            else if (type.EndsWith("google.rpc.QuotaFailure", StringComparison.Ordinal) &&
                     detail.TryGetProperty("violations", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var violation in list.EnumerateArray())
                {
                    var id = String(violation, "quotaId");
                    var name = id ?? String(violation, "quotaMetric") ?? "quota";
                    var value = String(violation, "quotaValue");
                    long? limit = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                    violations.Add((name, limit, name.Contains("PerDay", StringComparison.OrdinalIgnoreCase), value == "0"));
                }
            }
        }

        if (violations.Count == 0)
        {
            return null;
        }

        var windows = new List<QuotaWindow>(violations.Count);
        var exhausted = false;
        DateTimeOffset? latest = null;
        foreach (var (name, limit, daily, zero) in violations)
        {
            var resets = delay is { } wait ? now + wait : daily ? NextPacificMidnight(now) : (DateTimeOffset?)null;
            windows.Add(new QuotaWindow(name, 100, resets, limit, 0, WindowMinutes: daily ? 1440 : name.Contains("PerMinute", StringComparison.OrdinalIgnoreCase) ? 1 : null));
            exhausted |= daily || zero;
            if (resets is { } at && (latest is null || at > latest))
            {
                latest = at;
            }
        }

        var names = string.Join(", ", violations.Select(v => v.Name));
        return new QuotaReading(windows, exhausted, latest, $"Gemini quota exceeded: {names}");
    }

    private static DateTimeOffset NextPacificMidnight(DateTimeOffset now)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById("America/Los_Angeles", out var pacific) ? pacific : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified).AddDays(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    private static string? String(JsonElement element, string name) => GoogleRpcJson.String(element, name);

    private static TimeSpan? Duration(string? text) => GoogleRpcJson.Duration(text);
}
