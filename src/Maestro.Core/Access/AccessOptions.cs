namespace Maestro.Core.Access;

/// <summary>How long browser sessions and sign-in links last, and how often open streams are checked again.</summary>
public sealed record AccessOptions
{
    /// <summary>A browser session ends after this long without a request.</summary>
    public TimeSpan SessionIdleLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often a session's last use is written down (and its cookie renewed): not on every request.</summary>
    public TimeSpan SessionTouchInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A one-time sign-in link works once, within this time.</summary>
    public TimeSpan SignInCodeLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often a live stream's credentials are checked again (a rotated token or ended session stops it).</summary>
    public TimeSpan StreamRecheckInterval { get; init; } = TimeSpan.FromSeconds(30);
}
