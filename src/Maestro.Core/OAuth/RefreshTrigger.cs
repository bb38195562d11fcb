namespace Maestro.Core.OAuth;

/// <summary>Why a refresh is asked for; decides whether storage, re-read under the lock, still needs one.</summary>
public enum RefreshTrigger
{
    /// <summary>Only when the stored token is within its grace period (or expired).</summary>
    Due,

    /// <summary>The provider rejected the token the caller used: refresh unless storage already holds a newer one.</summary>
    Rejected,

    /// <summary>The user asked for it: refresh unless another process refreshed since the caller looked.</summary>
    Forced,
}
