namespace Maestro.Core.Quota;

/// <summary>
/// What is known about each auth's limits: when it was last limited, until when, and the quota windows its provider
/// reports. Every provider response reports here (<see cref="QuotaHandler"/> reads the provider's rate-limit headers
/// and 429 bodies), and so does the gateway for the failures it meets. Pools read it to try the auth with the most
/// headroom first and skip an exhausted one until its reset. Held in memory; <see cref="AuthQuotaSync"/> persists it.
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
