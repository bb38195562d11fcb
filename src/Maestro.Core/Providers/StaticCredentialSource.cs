using Maestro.Core.Auths;

namespace Maestro.Core.Providers;

/// <summary>Credentials that never change (API keys, and tests).</summary>
public sealed class StaticCredentialSource(AuthCredentials credentials) : ICredentialSource
{
    public ValueTask<AuthCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);

    public ValueTask<AuthCredentials?> RefreshAfterRejectionAsync(AuthCredentials rejected, CancellationToken cancellationToken) =>
        ValueTask.FromResult<AuthCredentials?>(null);
}
