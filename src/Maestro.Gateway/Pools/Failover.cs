using Maestro.Core.Providers;
using Maestro.Core.Quota;

namespace Maestro.Gateway.Pools;

/// <summary>Which failures move a pool to its next target, and what each says about the auth's limits.</summary>
internal static class Failover
{
    /// <summary>
    /// A limit (429, exhausted quota), a credential the provider refused even after a refresh, or a provider that failed
    /// or could not be reached: another auth may well answer. A request the provider refused as malformed would be
    /// refused everywhere, so it goes back to the client at once.
    /// </summary>
    public static bool ShouldTryNext(ProviderException error) =>
        error.Kind is ProviderErrorKind.RateLimited or ProviderErrorKind.QuotaExceeded or ProviderErrorKind.Authentication
            or ProviderErrorKind.Overloaded or ProviderErrorKind.Server or ProviderErrorKind.Transport or ProviderErrorKind.NotFound;

    public static AuthLimitSignal? Signal(ProviderException error, DateTimeOffset now) => error.Kind switch
    {
        ProviderErrorKind.RateLimited => new AuthLimitSignal(AuthLimitKind.RateLimited, now + error.RetryAfter, error.ProviderMessage ?? error.Message),
        ProviderErrorKind.QuotaExceeded => new AuthLimitSignal(AuthLimitKind.QuotaExhausted, now + error.RetryAfter, error.ProviderMessage ?? error.Message),
        ProviderErrorKind.Authentication => new AuthLimitSignal(AuthLimitKind.NeedsRelogin, null, error.Message),
        ProviderErrorKind.Overloaded or ProviderErrorKind.Server or ProviderErrorKind.Transport =>
            new AuthLimitSignal(AuthLimitKind.ServerError, now + error.RetryAfter, error.Message),
        _ => null,
    };
}
