namespace Maestro.Core.Quota;

/// <summary>What is known now about one auth's limits.</summary>
/// <param name="LimitedUntil">While in the future the auth is limited; pools try it last.</param>
/// <param name="LastKind">What the last limit was (not <see cref="AuthLimitKind.Ok"/>), if there ever was one.</param>
/// <param name="LastLimitedAt">When the auth was last limited: pools prefer the auth limited longest ago.</param>
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

    /// <summary>The fullest window's use (0–100), when the provider reports windows.</summary>
    public double? MaxUsedPercent
    {
        get
        {
            double? max = null;
            foreach (var window in Windows)
            {
                if (window.UsedPercent is { } used && (max is null || used > max))
                {
                    max = used;
                }
            }

            return max;
        }
    }
}
