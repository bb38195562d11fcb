using Maestro.Core.Auths;

namespace Maestro.Core.Providers;

/// <summary>
/// Gives a provider the current credentials of its auth. OAuth sources refresh ahead of expiry and, after a 401,
/// once more (single-flight across processes); API-key sources return the key as it is.
/// </summary>
public interface ICredentialSource
{
    ValueTask<AuthCredentials> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called after the provider rejected <paramref name="rejected"/> with 401. Returns fresh credentials to retry
    /// with once, or null when nothing can be done (API keys, or the refresh itself failed).
    /// </summary>
    ValueTask<AuthCredentials?> RefreshAfterRejectionAsync(AuthCredentials rejected, CancellationToken cancellationToken);
}
