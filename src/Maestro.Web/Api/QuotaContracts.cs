using Maestro.Core.Auths;
using Maestro.Core.Quota;

namespace Maestro.Web.Api;

/// <summary>
/// An auth's quota as its provider last reported it (<c>GET /api/auths/{provider}/{name}/quota</c>,
/// <c>maestro auth quota --json</c>).
/// </summary>
/// <param name="Status"><c>ok</c>, <c>limited</c> (rate-limited for now; tried last), <c>exhausted</c> (used up until a
/// reset; skipped by pools) or <c>unknown</c> (no response read yet).</param>
/// <param name="UpdatedAt">When a response last said anything.</param>
public sealed record AuthQuotaView(
    string Auth,
    string Status,
    DateTimeOffset? LimitedUntil,
    DateTimeOffset? ExhaustedUntil,
    string? LastLimit,
    DateTimeOffset? LastLimitedAt,
    string? LastDetail,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<QuotaWindowView> Windows)
{
    public static AuthQuotaView From(AuthRecord auth, AuthLimitState state, DateTimeOffset now)
    {
        var windows = new List<QuotaWindowView>(state.Windows.Count);
        foreach (var window in state.Windows.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            windows.Add(QuotaWindowView.From(window, now));
        }

        return new AuthQuotaView(
            auth.Ref.ToString(),
            QuotaStatus.Of(state, now),
            state.IsLimited(now) ? state.LimitedUntil : null,
            state.ExhaustedUntil(now),
            state.LastKind?.ToWire(),
            state.LastLimitedAt,
            state.LastDetail,
            state.UpdatedAt,
            windows);
    }
}

/// <summary>One window: e.g. <c>requests</c> 12% used of 4000, resets at …; <c>5h</c> 90% used.</summary>
/// <param name="UsedPercent">0–100; a window whose reset has passed reads 0 until the provider reports it again.</param>
public sealed record QuotaWindowView(
    string Name, double? UsedPercent, long? Limit, long? Remaining, DateTimeOffset? ResetsAt, int? WindowMinutes, bool Exhausted)
{
    public static QuotaWindowView From(QuotaWindow window, DateTimeOffset now)
    {
        var passed = window.ResetsAt is { } reset && reset <= now;
        return new QuotaWindowView(
            window.Name,
            window.UsedPercentAt(now) is { } used ? Math.Round(used, 1) : null,
            window.Limit,
            passed ? window.Limit : window.Remaining,
            passed ? null : window.ResetsAt,
            window.WindowMinutes,
            window.IsExhausted(now));
    }
}

/// <summary>The quota in one line, in the auth list and show (<c>quota</c>); null when nothing was reported.</summary>
/// <param name="MaxUsedPercent">The fullest window's use.</param>
public sealed record QuotaSummaryView(string Status, double? MaxUsedPercent, DateTimeOffset? LimitedUntil, DateTimeOffset? NextResetAt, DateTimeOffset? UpdatedAt)
{
    public static QuotaSummaryView? From(AuthLimitState? state, DateTimeOffset now) => state?.UpdatedAt is null
        ? null
        : new QuotaSummaryView(
            QuotaStatus.Of(state, now),
            state.MaxUsedPercentAt(now) is { } used ? Math.Round(used, 1) : null,
            state.ExhaustedUntil(now) ?? (state.IsLimited(now) ? state.LimitedUntil : null),
            state.NextResetAt(now),
            state.UpdatedAt);
}

public static class QuotaStatus
{
    public static string Of(AuthLimitState state, DateTimeOffset now) =>
        state.ExhaustedUntil(now) is not null ? "exhausted"
        : state.IsLimited(now) ? "limited"
        : state.UpdatedAt is null ? "unknown"
        : "ok";
}
