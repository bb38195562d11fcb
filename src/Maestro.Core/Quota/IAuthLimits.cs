namespace Maestro.Core.Quota;

/// <summary>
/// What is known about each auth's limits: when it was last limited, until when, and the quota windows its provider
/// reports. Pools read it to try the least recently limited auth first and to put limited ones last; whoever sees a
/// limit reports it (the gateway reports the 429s, exhausted quotas, refused logins and server errors it meets; quota
/// headers can be reported the same way). Kept in memory per process.
/// </summary>
public interface IAuthLimits
{
    /// <summary>The state of one auth; <see cref="AuthLimitState.Unknown"/> when nothing was reported.</summary>
    AuthLimitState Get(Guid authId);

    /// <summary>Every auth something was reported for.</summary>
    IReadOnlyDictionary<Guid, AuthLimitState> Snapshot();

    /// <summary>Records what a call (or a provider's headers) said about an auth's limits.</summary>
    void Report(Guid authId, AuthLimitSignal signal);
}
