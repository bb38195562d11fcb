namespace Maestro.Core.OAuth;

/// <summary>Where a login stands. Pending is the only state that accepts a code.</summary>
public enum OAuthFlowStatus
{
    /// <summary>Waiting for the browser callback, a pasted code, or the device approval.</summary>
    Pending,

    /// <summary>A code arrived and is being exchanged for tokens (a code is accepted once).</summary>
    Exchanging,

    Completed,

    Failed,

    /// <summary>Nobody completed the login in time.</summary>
    Expired,

    Cancelled,
}

public static class OAuthFlowStatusNames
{
    public static string ToWire(this OAuthFlowStatus status) => status switch
    {
        OAuthFlowStatus.Pending => "pending",
        OAuthFlowStatus.Exchanging => "exchanging",
        OAuthFlowStatus.Completed => "completed",
        OAuthFlowStatus.Failed => "failed",
        OAuthFlowStatus.Expired => "expired",
        OAuthFlowStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static OAuthFlowStatus Parse(string value) => value switch
    {
        "pending" => OAuthFlowStatus.Pending,
        "exchanging" => OAuthFlowStatus.Exchanging,
        "completed" => OAuthFlowStatus.Completed,
        "failed" => OAuthFlowStatus.Failed,
        "expired" => OAuthFlowStatus.Expired,
        "cancelled" => OAuthFlowStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown login status."),
    };

    /// <summary>True once nothing more will happen to the flow.</summary>
    public static bool IsFinal(this OAuthFlowStatus status) =>
        status is OAuthFlowStatus.Completed or OAuthFlowStatus.Failed or OAuthFlowStatus.Expired or OAuthFlowStatus.Cancelled;
}
