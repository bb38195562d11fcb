using System.Collections.Concurrent;

namespace Maestro.Core.Quota;

/// <summary>
/// The in-memory <see cref="IAuthLimits"/>: reports replace what was known, limits without a stated end get a cooldown
/// (long enough not to hammer a limited account, short enough to notice it recovered).
/// </summary>
public sealed class ObservedAuthLimits(TimeProvider time) : IAuthLimits
{
    /// <summary>Assumed when a 429 says nothing about when to retry.</summary>
    public static readonly TimeSpan RateLimitCooldown = TimeSpan.FromSeconds(30);

    /// <summary>Assumed for an exhausted quota without a reset time.</summary>
    public static readonly TimeSpan QuotaCooldown = TimeSpan.FromMinutes(5);

    /// <summary>A refused login stays last in pools for this long (its status also says it needs a login).</summary>
    public static readonly TimeSpan ReloginCooldown = TimeSpan.FromMinutes(10);

    /// <summary>A server error keeps an auth last for a moment: the next request may well succeed.</summary>
    public static readonly TimeSpan ServerErrorCooldown = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Guid, AuthLimitState> _states = new();

    public AuthLimitState Get(Guid authId) => _states.TryGetValue(authId, out var state) ? state : AuthLimitState.Unknown;

    public IReadOnlyDictionary<Guid, AuthLimitState> Snapshot() => new Dictionary<Guid, AuthLimitState>(_states);

    public void Report(Guid authId, AuthLimitSignal signal)
    {
        var now = time.GetUtcNow();
        _states.AddOrUpdate(
            authId,
            static (_, s) => Apply(AuthLimitState.Unknown, s.Signal, s.Now),
            static (_, current, s) => Apply(current, s.Signal, s.Now),
            (Signal: signal, Now: now));
    }

    private static AuthLimitState Apply(AuthLimitState current, AuthLimitSignal signal, DateTimeOffset now)
    {
        var windows = signal.Windows ?? current.Windows;
        if (signal.Kind == AuthLimitKind.Ok)
        {
            // A call that went through is the best evidence that the limit has lifted.
            return current with { LimitedUntil = null, Windows = windows, UpdatedAt = now };
        }

        var until = signal.Until ?? now + signal.Kind switch
        {
            AuthLimitKind.RateLimited => RateLimitCooldown,
            AuthLimitKind.QuotaExhausted => QuotaCooldown,
            AuthLimitKind.NeedsRelogin => ReloginCooldown,
            _ => ServerErrorCooldown,
        };
        return new AuthLimitState(until, signal.Kind, now, signal.Detail, windows, now);
    }
}
