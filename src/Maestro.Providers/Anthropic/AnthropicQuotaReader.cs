using System.Globalization;
using Maestro.Core.Quota;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// Anthropic's limits, from the headers on every response:
/// <list type="bullet">
/// <item>API keys: <c>anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}</c>
/// (reset in RFC 3339), one window each.</item>
/// <item>Claude subscription logins: the unified windows, <c>anthropic-ratelimit-unified-{claim}-{utilization,reset,status}</c>
/// for each claim (<c>5h</c>, <c>7d</c>, <c>7d_opus</c>, <c>7d_sonnet</c>, <c>overage</c>; utilization 0–1, reset in Unix
/// seconds, status <c>allowed</c>, <c>allowed_warning</c> or <c>rejected</c>), and the overall
/// <c>anthropic-ratelimit-unified-status</c>/<c>-reset</c>/<c>-representative-claim</c>. A 429 with the unified status
/// <c>rejected</c> means the plan's window is used up until its reset; any other 429 is a rate limit (Retry-After).</item>
/// </list>
/// </summary>
public sealed class AnthropicQuotaReader : IQuotaReader
{
    public static AnthropicQuotaReader Instance { get; } = new();

    private const string Prefix = "anthropic-ratelimit-";
    private const string Unified = "anthropic-ratelimit-unified-";
    private const string UnifiedStatus = Unified + "status";

    // The API-key windows with their header names, composed once: every response is read, and turns start by the thousand.
    private static readonly ApiWindow[] ApiWindows = [new("requests"), new("tokens"), new("input-tokens"), new("output-tokens")];

    public bool ReadsBody(int status) => false;

    public QuotaReading? Read(QuotaResponse response)
    {
        var headers = response.Headers;
        List<QuotaWindow>? windows = null;
        foreach (var api in ApiWindows)
        {
            var limit = QuotaHeaders.Long(headers, api.Limit);
            var remaining = QuotaHeaders.Long(headers, api.Remaining);
            if (limit is null && remaining is null)
            {
                continue;
            }

            (windows ??= []).Add(new QuotaWindow(api.Name, QuotaWindow.Percent(limit, remaining), QuotaHeaders.Time(headers, api.Reset), limit, remaining));
        }

        var status = QuotaHeaders.Value(headers, UnifiedStatus);
        if (status is not null)
        {
            ReadUnified(response, windows ??= []);
        }

        if (windows is null)
        {
            return null;
        }

        if (response.Status != 429 || status != "rejected")
        {
            return new QuotaReading(windows);
        }

        var claim = QuotaHeaders.Value(headers, Unified + "representative-claim");
        var window = ClaimWindow(claim);
        var resets = (window is null ? null : QuotaHeaders.UnixSeconds(headers, Unified + window + "-reset")) ?? QuotaHeaders.UnixSeconds(headers, Unified + "reset");
        var described = window is null ? "usage limit" : Describe(window) + " limit";
        var detail = resets is { } at
            ? $"the Claude subscription's {described} is reached; it resets at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"
            : $"the Claude subscription's {described} is reached";
        return new QuotaReading(windows, Exhausted: true, Until: resets, Detail: detail);
    }

    /// <summary>Each claim that reports a utilization is a window.</summary>
    private static void ReadUnified(QuotaResponse response, List<QuotaWindow> windows)
    {
        foreach (var header in response.Headers.NonValidated)
        {
            var name = header.Key;
            if (!name.StartsWith(Unified, StringComparison.OrdinalIgnoreCase) || !name.EndsWith("-utilization", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var claim = name.Substring(Unified.Length, name.Length - Unified.Length - "-utilization".Length).ToLowerInvariant();
            var utilization = QuotaHeaders.Double(response.Headers, name);
            windows.Add(new QuotaWindow(
                claim,
                utilization is { } u ? Math.Clamp(u * 100, 0, 100) : null,
                QuotaHeaders.UnixSeconds(response.Headers, Unified + claim + "-reset"),
                WindowMinutes: claim.StartsWith("5h", StringComparison.Ordinal) ? 300 : claim.StartsWith("7d", StringComparison.Ordinal) ? 10080 : null,
                Rejected: QuotaHeaders.Value(response.Headers, Unified + claim + "-status") == "rejected"));
        }
    }

    /// <summary><c>five_hour</c> → <c>5h</c>, <c>seven_day</c> → <c>7d</c>, <c>seven_day_opus</c> → <c>7d_opus</c>; others as they are.</summary>
    private static string? ClaimWindow(string? claim) => claim switch
    {
        null or "" => null,
        "five_hour" => "5h",
        "seven_day" => "7d",
        _ when claim.StartsWith("seven_day_", StringComparison.Ordinal) => "7d_" + claim["seven_day_".Length..],
        _ => claim,
    };

    private static string Describe(string window) => window switch
    {
        "5h" => "5-hour",
        "7d" => "weekly",
        _ when window.StartsWith("7d_", StringComparison.Ordinal) => "weekly " + window[3..],
        _ => window,
    };

    private sealed record ApiWindow(string Name)
    {
        public string Limit { get; } = Prefix + Name + "-limit";

        public string Remaining { get; } = Prefix + Name + "-remaining";

        public string Reset { get; } = Prefix + Name + "-reset";
    }
}
