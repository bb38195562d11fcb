using System.Globalization;
using System.Text.Json;
using Maestro.Core.Quota;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// The ChatGPT plan's usage windows, from the headers the Codex backend sends on every response (as the Codex CLI reads
/// them): <c>x-codex-primary-used-percent</c>, <c>-window-minutes</c>, <c>-reset-at</c> (Unix seconds; older servers send
/// <c>-reset-after-seconds</c>) and the same for <c>secondary</c> — the 5-hour and the weekly window on current plans —
/// plus further limit families named the same way (<c>x-codex-{family}-primary-used-percent</c>, with
/// <c>x-codex-{family}-limit-name</c>). A 429 <c>usage_limit_reached</c> body (<c>resets_at</c>, <c>resets_in_seconds</c>)
/// means the plan's window is used up until then.
/// </summary>
public sealed class ChatGptQuotaReader : IQuotaReader
{
    public static ChatGptQuotaReader Instance { get; } = new();

    private const string Suffix = "-primary-used-percent";

    public bool ReadsBody(int status) => status == 429;

    public QuotaReading? Read(QuotaResponse response)
    {
        List<QuotaWindow>? windows = null;
        foreach (var header in response.Headers.NonValidated)
        {
            var name = header.Key.ToLowerInvariant();
            if (!name.StartsWith("x-", StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var prefix = name[..^Suffix.Length];
            var family = prefix == "x-codex" ? null : QuotaHeaders.Value(response.Headers, prefix + "-limit-name") ?? prefix["x-".Length..];
            Add(ref windows, response, prefix, "primary", family);
            Add(ref windows, response, prefix, "secondary", family);
        }

        if (response.Status != 429)
        {
            return windows is null ? null : new QuotaReading(windows);
        }

        var limit = UsageLimit(response.Body.Span, response.Now);
        if (limit.Type is "usage_limit_reached" or "usage_not_included")
        {
            // A reset the body does not give is the latest exhausted window's, when the headers report one.
            var until = limit.ResetsAt ?? windows?.Where(w => w.UsedPercent >= 100).Max(w => w.ResetsAt);
            var detail = limit.Type == "usage_not_included"
                ? "this ChatGPT plan does not include Codex"
                : until is { } at
                    ? $"the ChatGPT plan's usage limit is reached; it resets at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"
                    : "the ChatGPT plan's usage limit is reached";
            return new QuotaReading(windows, Exhausted: true, Until: until, Detail: detail);
        }

        return windows is null ? null : new QuotaReading(windows);
    }

    private static void Add(ref List<QuotaWindow>? windows, QuotaResponse response, string prefix, string which, string? family)
    {
        var headers = response.Headers;
        if (QuotaHeaders.Double(headers, $"{prefix}-{which}-used-percent") is not { } used)
        {
            return;
        }

        var minutes = QuotaHeaders.Long(headers, $"{prefix}-{which}-window-minutes") is { } m and > 0 and < int.MaxValue ? (int)m : (int?)null;
        var resets = QuotaHeaders.UnixSeconds(headers, $"{prefix}-{which}-reset-at") ??
                     (QuotaHeaders.Double(headers, $"{prefix}-{which}-reset-after-seconds") is { } after and >= 0 ? response.Now.AddSeconds(after) : null);
        var label = minutes is { } length ? Length(length) : which;
        (windows ??= []).Add(new QuotaWindow(family is null ? label : $"{family} {label}", Math.Clamp(used, 0, 100), resets, WindowMinutes: minutes));
    }

    /// <summary>300 → <c>5h</c>, 10080 → <c>7d</c>, 45 → <c>45m</c>.</summary>
    private static string Length(int minutes) =>
        minutes % 1440 == 0 ? (minutes / 1440).ToString(CultureInfo.InvariantCulture) + "d"
        : minutes % 60 == 0 ? (minutes / 60).ToString(CultureInfo.InvariantCulture) + "h"
        : minutes.ToString(CultureInfo.InvariantCulture) + "m";

    private static (string? Type, DateTimeOffset? ResetsAt) UsageLimit(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (body.IsEmpty)
        {
            return default;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error) ||
                error.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            DateTimeOffset? resets = error.TryGetProperty("resets_at", out var at) && at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var unix) && unix > 0
                ? DateTimeOffset.FromUnixTimeSeconds(unix)
                : error.TryGetProperty("resets_in_seconds", out var inSeconds) && inSeconds.ValueKind == JsonValueKind.Number && inSeconds.TryGetDouble(out var seconds) && seconds >= 0
                    ? now.AddSeconds(seconds)
                    : null;
            return (type, resets);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
