namespace Maestro.Core.Quota;

/// <summary>
/// One quota window a provider reports: requests or tokens per minute on an API key, a subscription's 5-hour or weekly
/// window, a daily quota named in a 429.
/// </summary>
/// <param name="Name">The provider's name for it, e.g. <c>requests</c>, <c>tokens</c>, <c>5h</c>, <c>7d</c>.</param>
/// <param name="UsedPercent">0–100, when known (or computable from <paramref name="Limit"/> and <paramref name="Remaining"/>).</param>
/// <param name="ResetsAt">When the window refills, when the provider says.</param>
/// <param name="WindowMinutes">The window's length, when the provider says (the ChatGPT backend does).</param>
/// <param name="Rejected">The provider says requests are refused in this window now (Anthropic's <c>rejected</c> status).</param>
public sealed record QuotaWindow(
    string Name,
    double? UsedPercent,
    DateTimeOffset? ResetsAt,
    long? Limit = null,
    long? Remaining = null,
    int? WindowMinutes = null,
    bool Rejected = false)
{
    /// <summary>Used up until a known reset: a pool skips the auth until then.</summary>
    public bool IsExhausted(DateTimeOffset now) =>
        (Rejected || UsedPercent >= 100 || Remaining == 0) && ResetsAt is { } reset && reset > now;

    /// <summary>The use that still counts: a window whose reset has passed is empty again until the provider says otherwise.</summary>
    public double? UsedPercentAt(DateTimeOffset now) => ResetsAt is { } reset && reset <= now ? 0 : UsedPercent;

    /// <summary>The used share of a limit from its remaining count (0–100), or null when either is unknown.</summary>
    public static double? Percent(long? limit, long? remaining) =>
        limit is > 0 && remaining is { } left ? Math.Clamp((limit.Value - left) * 100.0 / limit.Value, 0, 100) : null;
}
