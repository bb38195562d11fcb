namespace Maestro.Core.OAuth;

public enum OAuthDevicePollStatus
{
    /// <summary>The user has not approved yet.</summary>
    Pending,

    /// <summary>Poll less often (RFC 8628 slow_down).</summary>
    SlowDown,

    Approved,

    Denied,

    Expired,
}

/// <summary>One answer of a device login's polling endpoint; <see cref="Grant"/> is set when approved.</summary>
public sealed record OAuthDevicePoll(OAuthDevicePollStatus Status, OAuthGrant? Grant = null, string? Message = null)
{
    public static OAuthDevicePoll Pending { get; } = new(OAuthDevicePollStatus.Pending);
}
