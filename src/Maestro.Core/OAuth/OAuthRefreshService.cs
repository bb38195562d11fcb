using Maestro.Core.Auths;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth;

/// <summary>
/// The server's background refresher: refreshes every OAuth auth ahead of expiry, so logins never lapse while nobody
/// uses them. Safe with several instances (each refresh is single-flight under the auth's row lock). Temporary failures
/// back off per auth; refused refresh tokens mark the auth "needs re-login" (and it is kept).
/// </summary>
public sealed class OAuthRefreshService(
    IAuthStore store, OAuthRefresher refresher, OAuthSettings settings, TimeProvider time, ILogger<OAuthRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);
    private readonly Dictionary<Guid, (int Failures, DateTimeOffset NextAttempt)> _backoff = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // E.g. the database is briefly unavailable; the next round tries again.
                logger.LogWarning("Checking OAuth tokens for refresh failed: {Message}", ex.Message);
                wait = settings.RefreshInterval;
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Refreshes each OAuth auth that is due; returns how long until the next one is (at most the interval).</summary>
    public async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var next = now + settings.RefreshInterval;
            foreach (var auth in await store.ListAsync(null, cancellationToken))
            {
                if (auth.Type != AuthType.OAuth || auth.Status == AuthStatus.NeedsRelogin || auth.ExpiresAt is null)
                {
                    _backoff.Remove(auth.Id);
                    continue;
                }

                if (_backoff.TryGetValue(auth.Id, out var backoff) && backoff.NextAttempt > now)
                {
                    next = Min(next, backoff.NextAttempt);
                    continue;
                }

                var stored = await store.GetWithCredentialsAsync(auth.Id, cancellationToken);
                if (stored is null || RefreshGrace.DueAt(stored.Credentials) is not { } due)
                {
                    continue;
                }

                if (due > now)
                {
                    next = Min(next, due);
                    continue;
                }

                var outcome = await refresher.RefreshAsync(auth.Id, RefreshTrigger.Due, null, cancellationToken);
                if (outcome.Result == RefreshResult.Failed)
                {
                    var failures = _backoff.TryGetValue(auth.Id, out var b) ? b.Failures + 1 : 1;
                    var delay = TimeSpan.FromTicks(Math.Min(settings.RefreshBackoff.Ticks << Math.Min(failures - 1, 16), settings.MaxRefreshBackoff.Ticks));
                    _backoff[auth.Id] = (failures, time.GetUtcNow() + delay);
                    next = Min(next, time.GetUtcNow() + delay);
                }
                else
                {
                    _backoff.Remove(auth.Id);
                    if (outcome.Result != RefreshResult.NeedsRelogin && RefreshGrace.DueAt(outcome.Credentials) is { } nextDue)
                    {
                        next = Min(next, nextDue);
                    }
                }
            }

            var wait = next - time.GetUtcNow();
            return wait < MinimumWait ? MinimumWait : wait;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
