using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth;

/// <summary>
/// Refreshes OAuth auths exactly once per rotation. In this process, concurrent callers for one auth share one refresh;
/// across processes, the refresh runs under the auth's row lock (<see cref="IAuthStore.WithExclusiveLockAsync{TResult}"/>)
/// after re-reading it, so a process that waited finds the new tokens and makes no second token request.
/// </summary>
/// <remarks>
/// Once a token request is sent it is not abandoned when a caller gives up: a rotated refresh token whose answer was
/// dropped would be lost, and its reuse revokes the login. Callers stop waiting; the refresh still completes and saves.
/// </remarks>
public sealed class OAuthRefresher(
    IAuthStore store, OAuthProviders providers, OAuthEvents events, TimeProvider time, MaestroMetrics metrics, ILogger<OAuthRefresher> logger)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<RefreshOutcome>>> _inflight = new();

    /// <param name="observedAccessToken">The access token the caller has (for <see cref="RefreshTrigger.Rejected"/> and <see cref="RefreshTrigger.Forced"/>).</param>
    public async Task<RefreshOutcome> RefreshAsync(Guid authId, RefreshTrigger trigger, string? observedAccessToken, CancellationToken cancellationToken)
    {
        // Joining a refresh that started for another reason may not answer ours (it found nothing due, we hold a rejected
        // token): then run our own, once.
        for (var round = 0; ; round++)
        {
            var (task, joined) = StartOrJoin(authId, trigger, observedAccessToken);
            var outcome = await task.WaitAsync(cancellationToken);
            if (!joined || round > 0 || trigger == RefreshTrigger.Due || outcome.Result == RefreshResult.NeedsRelogin ||
                outcome.Credentials.AccessToken != observedAccessToken)
            {
                return outcome;
            }
        }
    }

    private (Task<RefreshOutcome> Task, bool Joined) StartOrJoin(Guid authId, RefreshTrigger trigger, string? observed)
    {
        Lazy<Task<RefreshOutcome>>? mine = null;
        mine = new Lazy<Task<RefreshOutcome>>(() => RunAndForgetAsync(authId, trigger, observed, mine!));
        var current = _inflight.GetOrAdd(authId, mine);
        return (current.Value, !ReferenceEquals(current, mine));
    }

    private async Task<RefreshOutcome> RunAndForgetAsync(Guid authId, RefreshTrigger trigger, string? observed, Lazy<Task<RefreshOutcome>> self)
    {
        try
        {
            // Detached from the callers' cancellation (see remarks); the HTTP client's timeout bounds it.
            await Task.Yield();
            return await RefreshUnderLockAsync(authId, trigger, observed);
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<Guid, Lazy<Task<RefreshOutcome>>>(authId, self));
        }
    }

    private async Task<RefreshOutcome> RefreshUnderLockAsync(Guid authId, RefreshTrigger trigger, string? observed)
    {
        AuthRef? label = null;
        var outcome = await store.WithExclusiveLockAsync<RefreshOutcome>(authId, async (stored, ct) =>
        {
            var record = stored.Record;
            var credentials = stored.Credentials;
            label = record.Ref;
            var now = time.GetUtcNow();
            if (record.Type != AuthType.OAuth)
            {
                return (null, new RefreshOutcome(RefreshResult.Fresh, credentials, record.ExpiresAt, $"{record.Ref} is an API key; it has nothing to refresh."));
            }

            if (record.Status == AuthStatus.NeedsRelogin)
            {
                return (null, new RefreshOutcome(RefreshResult.NeedsRelogin, credentials, record.ExpiresAt, NeedsReloginMessage(record.Ref, record.StatusMessage)));
            }

            var needed = trigger == RefreshTrigger.Due
                ? RefreshGrace.IsDue(credentials, now)
                : observed is null || credentials.AccessToken == observed;
            if (!needed)
            {
                return (null, new RefreshOutcome(RefreshResult.Fresh, credentials, record.ExpiresAt, "The stored access token is current."));
            }

            if (string.IsNullOrEmpty(credentials.RefreshToken))
            {
                const string Reason = "the login has no refresh token (the provider did not grant offline access)";
                return (new AuthUpdate { Status = AuthStatus.NeedsRelogin, StatusMessage = Reason },
                    new RefreshOutcome(RefreshResult.NeedsRelogin, credentials, record.ExpiresAt, NeedsReloginMessage(record.Ref, Reason)));
            }

            if (!providers.TryGet(record.Provider, out var provider))
            {
                return (null, new RefreshOutcome(RefreshResult.Failed, credentials, record.ExpiresAt, $"Provider '{record.Provider}' has no OAuth support configured."));
            }

            events.Auth(record.Ref, AuthStatus.Refreshing, "refreshing", "Refreshing the access token.", record.ExpiresAt);
            try
            {
                var grant = await provider.RefreshAsync(stored, ct);
                var fresh = Merge(credentials, grant.Credentials, now);
                var metadata = MergeMetadata(record.Metadata, grant.Metadata);
                var update = AuthUpdate.FreshTokens(fresh, metadata, now);
                return (update, new RefreshOutcome(RefreshResult.Refreshed, fresh, fresh.ExpiresAt, "Refreshed the access token."));
            }
            catch (OAuthException ex) when (ex.IsPermanent)
            {
                var reason = $"the provider refused the refresh token: {ex.Message}";
                return (new AuthUpdate { Status = AuthStatus.NeedsRelogin, StatusMessage = reason },
                    new RefreshOutcome(RefreshResult.NeedsRelogin, credentials, record.ExpiresAt, NeedsReloginMessage(record.Ref, reason)));
            }
            catch (MaestroException ex)
            {
                // Transient (or a setting to fix): the old tokens stay; the auth shows that a refresh is pending.
                var reason = $"Refreshing failed for now: {ex.Message}" + (ex.Hint is null ? "" : " " + ex.Hint);
                return (new AuthUpdate { Status = AuthStatus.Refreshing, StatusMessage = reason },
                    new RefreshOutcome(RefreshResult.Failed, credentials, record.ExpiresAt, reason));
            }
        }, CancellationToken.None);

        Report(label!.Value, outcome);
        metrics.OAuthRefresh(label.Value.Provider, outcome.Result switch
        {
            RefreshResult.Refreshed => "refreshed",
            RefreshResult.Fresh => "fresh",
            RefreshResult.NeedsRelogin => "needs_relogin",
            _ => "failed",
        });
        return outcome;
    }

    private void Report(AuthRef auth, RefreshOutcome outcome)
    {
        switch (outcome.Result)
        {
            case RefreshResult.Refreshed:
                logger.LogInformation("Refreshed the OAuth token of {Auth}; it expires at {ExpiresAt:u}.", auth, outcome.ExpiresAt);
                events.Auth(auth, AuthStatus.Active, "refreshed", outcome.Message, outcome.ExpiresAt);
                break;
            case RefreshResult.NeedsRelogin:
                logger.LogWarning("{Message}", outcome.Message);
                events.Auth(auth, AuthStatus.NeedsRelogin, "needs_relogin", outcome.Message, outcome.ExpiresAt);
                break;
            case RefreshResult.Failed:
                logger.LogWarning("Could not refresh {Auth}: {Message}", auth, outcome.Message);
                events.Auth(auth, AuthStatus.Refreshing, "refresh_failed", outcome.Message, outcome.ExpiresAt);
                break;
        }
    }

    private static string NeedsReloginMessage(AuthRef auth, string? reason) =>
        $"{auth} needs a new login ({reason ?? "its refresh token was refused"}). Run `maestro auth login {auth.Provider} {auth.Name}`.";

    /// <summary>A refresh answer without a new refresh token (or id token) keeps the old one.</summary>
    internal static AuthCredentials Merge(AuthCredentials old, AuthCredentials fresh, DateTimeOffset now)
    {
        Dictionary<string, string>? extra = null;
        if (old.Extra is not null || fresh.Extra is not null)
        {
            extra = new Dictionary<string, string>(old.Extra ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (key, value) in fresh.Extra ?? new Dictionary<string, string>())
            {
                extra[key] = value;
            }
        }

        return old with
        {
            AccessToken = fresh.AccessToken ?? old.AccessToken,
            RefreshToken = string.IsNullOrEmpty(fresh.RefreshToken) ? old.RefreshToken : fresh.RefreshToken,
            IdToken = fresh.IdToken ?? old.IdToken,
            ExpiresAt = fresh.ExpiresAt,
            IssuedAt = fresh.IssuedAt ?? now,
            Extra = extra,
        };
    }

    private static Dictionary<string, string>? MergeMetadata(IReadOnlyDictionary<string, string> old, IReadOnlyDictionary<string, string> fresh)
    {
        if (fresh.All(kv => old.TryGetValue(kv.Key, out var v) && v == kv.Value))
        {
            return null;
        }

        var merged = new Dictionary<string, string>(old, StringComparer.Ordinal);
        foreach (var (key, value) in fresh)
        {
            merged[key] = value;
        }

        return merged;
    }
}
