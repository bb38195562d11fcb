namespace Maestro.Core.Quota;

/// <summary>What is known now about one auth's limits.</summary>
/// <param name="LimitedUntil">While in the future the auth is limited; pools try it last.</param>
/// <param name="LastKind">What the last limit was (not <see cref="AuthLimitKind.Ok"/>), if there ever was one.</param>
/// <param name="LastLimitedAt">When the auth was last limited: pools prefer the auth limited longest ago.</param>
/// <param name="Windows">The quota windows its provider reported, by name, each as last reported.</param>
/// <param name="UpdatedAt">When anything was last reported.</param>
public sealed record AuthLimitState(
    DateTimeOffset? LimitedUntil,
    AuthLimitKind? LastKind,
    DateTimeOffset? LastLimitedAt,
    string? LastDetail,
    IReadOnlyList<QuotaWindow> Windows,
    DateTimeOffset? UpdatedAt)
{
    public static AuthLimitState Unknown { get; } = new(null, null, null, null, [], null);

    public bool IsLimited(DateTimeOffset now) => LimitedUntil is { } until && until > now;

    /// <summary>
    /// Until when the auth cannot serve at all: the latest reset of a window the provider reported used up, or the end
    /// of an exhausted quota. Null when nothing is exhausted now. A rate limit (429 for a moment) is not exhaustion:
    /// the auth is tried last instead of skipped.
    /// </summary>
    public DateTimeOffset? ExhaustedUntil(DateTimeOffset now)
    {
        DateTimeOffset? until = LastKind == AuthLimitKind.QuotaExhausted && IsLimited(now) ? LimitedUntil : null;
        foreach (var window in Windows)
        {
            if (window.IsExhausted(now) && (until is null || window.ResetsAt > until))
            {
                until = window.ResetsAt;
            }
        }

        return until;
    }

    /// <summary>The fullest window's use (0–100), when the provider reports windows; windows past their reset count as empty.</summary>
    public double? MaxUsedPercentAt(DateTimeOffset now)
    {
        double? max = null;
        foreach (var window in Windows)
        {
            if (window.UsedPercentAt(now) is { } used && (max is null || used > max))
            {
                max = used;
            }
        }

        return max;
    }

    /// <summary>The soonest reset still ahead, of any window.</summary>
    public DateTimeOffset? NextResetAt(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var window in Windows)
        {
            if (window.ResetsAt is { } reset && reset > now && (next is null || reset < next))
            {
                next = reset;
            }
        }

        return next;
    }
}
