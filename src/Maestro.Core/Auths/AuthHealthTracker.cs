using System.Collections.Concurrent;
using Maestro.Core.Events;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Auths;

/// <summary>
/// Follows each auth's outcomes (reported by <see cref="Providers.Http.AuthHealthHandler"/> for every provider request,
/// after retries) and saves a change of state: "Key refused" after a 401/403, "Unreachable" after a connection failure,
/// back to OK on the next success. Only changes are written, so a busy auth costs nothing per request. Each saved change is
/// announced (<see cref="AuthHealthEvents"/>), so the auth's badge follows it live on every page that shows it.
/// </summary>
public sealed class AuthHealthTracker(IAuthHealthStore store, TimeProvider time, ILogger<AuthHealthTracker> logger, SessionEventHub? hub = null)
{
    /// <summary>
    /// An unchanged state is saved again after this long: another process (the CLI's `auth test`, a second instance)
    /// may have saved a different one meanwhile, and this bounds how long that can stand.
    /// </summary>
    public static readonly TimeSpan Resave = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, (AuthHealthState State, DateTimeOffset At)> _last = new();

    public void Report(Guid authId, AuthHealthState state, string? message)
    {
        var now = time.GetUtcNow();
        if (_last.TryGetValue(authId, out var previous) && previous.State == state && now - previous.At < Resave)
        {
            return;
        }

        var changed = previous.State != state || previous.At == default;
        _last[authId] = (state, now);
        _ = SaveAsync(authId, new AuthHealth(state, message, now), announce: changed);
    }

    /// <summary>Saves the outcome now (an explicit Test waits for it so the page it returns to shows it).</summary>
    public async Task RecordAsync(Guid authId, AuthHealth health, CancellationToken cancellationToken)
    {
        _last[authId] = (health.State, health.CheckedAt);
        await store.SetAsync(authId, health, cancellationToken);
        Announce(authId);
    }

    private async Task SaveAsync(Guid authId, AuthHealth health, bool announce)
    {
        try
        {
            await store.SetAsync(authId, health, CancellationToken.None);
            if (announce)
            {
                Announce(authId);
            }
        }
        catch (Exception ex)
        {
            // The state is a display hint; a database hiccup must not fail the provider call that reported it.
            _last.TryRemove(authId, out _);
            logger.LogDebug(ex, "Could not save the health of auth {AuthId}", authId);
        }
    }

    /// <summary>After the save, so a viewer that reads the auth on this event sees the new state.</summary>
    private void Announce(Guid authId)
    {
        if (hub is not null)
        {
            AuthHealthEvents.Publish(hub, authId);
        }
    }
}
