using System.Collections.Concurrent;

namespace Maestro.Core.Quota;

/// <summary>
/// The in-memory <see cref="IAuthLimits"/>: reports update what was known (windows by name, so a response that reports
/// some windows keeps the others), limits without a stated end get a cooldown (long enough not to hammer a limited
/// account, short enough to notice it recovered). Changed auths are remembered until <see cref="AuthQuotaSync"/> writes
/// them; states other instances wrote come in through <see cref="Merge"/>.
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
    private readonly ConcurrentDictionary<Guid, byte> _changed = new();

    public AuthLimitState Get(Guid authId) => _states.TryGetValue(authId, out var state) ? state : AuthLimitState.Unknown;

    public IReadOnlyDictionary<Guid, AuthLimitState> Snapshot() => new Dictionary<Guid, AuthLimitState>(_states);

    public void Report(Guid authId, AuthLimitSignal signal)
    {
        var now = time.GetUtcNow();
        var before = Get(authId);
        var after = _states.AddOrUpdate(
            authId,
            static (_, s) => Apply(AuthLimitState.Unknown, s.Signal, s.Now),
            static (_, current, s) => Apply(current, s.Signal, s.Now),
            (Signal: signal, Now: now));

        // A plain success on an auth that was not limited and reports no windows changes nothing worth writing.
        if (signal.Kind != AuthLimitKind.Ok || signal.Windows is { Count: > 0 } || before.LimitedUntil != after.LimitedUntil)
        {
            _changed[authId] = 0;
        }
    }

    /// <summary>Takes what changed since the last call, for writing.</summary>
    public List<KeyValuePair<Guid, AuthLimitState>> TakeChanged()
    {
        var changed = new List<KeyValuePair<Guid, AuthLimitState>>(_changed.Count);
        foreach (var id in _changed.Keys)
        {
            if (_changed.TryRemove(id, out _) && _states.TryGetValue(id, out var state))
            {
                changed.Add(new(id, state));
            }
        }

        return changed;
    }

    /// <summary>Puts back states whose write failed, unless a newer report replaced them meanwhile.</summary>
    public void Unwritten(IEnumerable<KeyValuePair<Guid, AuthLimitState>> states)
    {
        foreach (var (id, _) in states)
        {
            _changed[id] = 0;
        }
    }

    /// <summary>A state read from the store (another instance's, or this one's before a restart): kept when it is newer.</summary>
    public void Merge(Guid authId, AuthLimitState stored) =>
        _states.AddOrUpdate(
            authId,
            static (_, s) => s,
            static (_, current, s) => current.UpdatedAt is { } mine && s.UpdatedAt is { } theirs && theirs <= mine ? current : s,
            stored);

    private static AuthLimitState Apply(AuthLimitState current, AuthLimitSignal signal, DateTimeOffset now)
    {
        var windows = signal.Windows is { Count: > 0 } reported ? MergeWindows(current.Windows, reported) : current.Windows;
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

        // Two reports of one refusal (the provider's headers, then the gateway's failover) may know different ends:
        // a less informed report never shortens a known limit.
        if (current.LimitedUntil is { } known && known > until && current.LastLimitedAt is { } at && now - at < TimeSpan.FromSeconds(5))
        {
            until = known;
        }

        var kind = current.LastKind == AuthLimitKind.QuotaExhausted && signal.Kind == AuthLimitKind.RateLimited && until == current.LimitedUntil
            ? AuthLimitKind.QuotaExhausted
            : signal.Kind;
        return new AuthLimitState(until, kind, now, signal.Detail ?? current.LastDetail, windows, now);
    }

    private static IReadOnlyList<QuotaWindow> MergeWindows(IReadOnlyList<QuotaWindow> known, IReadOnlyList<QuotaWindow> reported)
    {
        if (known.Count == 0)
        {
            return reported;
        }

        var merged = new List<QuotaWindow>(known.Count + reported.Count);
        merged.AddRange(reported);
        foreach (var window in known)
        {
            if (!Contains(reported, window.Name))
            {
                merged.Add(window);
            }
        }

        return merged;
    }

    private static bool Contains(IReadOnlyList<QuotaWindow> windows, string name)
    {
        for (var i = 0; i < windows.Count; i++)
        {
            if (string.Equals(windows[i].Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
