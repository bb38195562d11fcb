using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;

namespace Maestro.Core.OAuth;

/// <summary>
/// The credentials of one OAuth auth for a provider call: refreshed ahead of expiry, and once more after a 401. Every
/// refresh goes through <see cref="OAuthRefresher"/>, so it is single-flight in this process and across processes.
/// </summary>
public sealed class OAuthCredentialSource(AuthRecord auth, AuthCredentials initial, OAuthRefresher refresher, TimeProvider time) : ICredentialSource
{
    private AuthCredentials _current = initial;

    public async ValueTask<AuthCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        var now = time.GetUtcNow();
        if (!RefreshGrace.IsDue(current, now))
        {
            return current;
        }

        var outcome = await refresher.RefreshAsync(auth.Id, RefreshTrigger.Due, current.AccessToken, cancellationToken);
        switch (outcome.Result)
        {
            case RefreshResult.Fresh or RefreshResult.Refreshed:
                Volatile.Write(ref _current, outcome.Credentials);
                return outcome.Credentials;
            case RefreshResult.Failed when !RefreshGrace.IsExpired(outcome.Credentials, time.GetUtcNow()):
                // The token is close to expiry but still valid: use it; the refresh is retried later.
                Volatile.Write(ref _current, outcome.Credentials);
                return outcome.Credentials;
            case RefreshResult.NeedsRelogin:
                throw new MaestroException(outcome.Message);
            default:
                throw new MaestroException($"The access token of {auth.Ref} expired and could not be refreshed: {outcome.Message}",
                    $"Try again shortly, or force a refresh with `maestro auth refresh {auth.Ref}`.");
        }
    }

    public async ValueTask<AuthCredentials?> RefreshAfterRejectionAsync(AuthCredentials rejected, CancellationToken cancellationToken)
    {
        var outcome = await refresher.RefreshAsync(auth.Id, RefreshTrigger.Rejected, rejected.AccessToken, cancellationToken);
        if (outcome.Result is RefreshResult.Fresh or RefreshResult.Refreshed && outcome.Credentials.AccessToken != rejected.AccessToken)
        {
            Volatile.Write(ref _current, outcome.Credentials);
            return outcome.Credentials;
        }

        return null;
    }
}
