using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Tests.Infrastructure;

/// <summary>A <see cref="ProviderConnection"/> for adapter tests, without a database.</summary>
public static class TestConnections
{
    public static ProviderConnection Create(
        string provider,
        Uri baseUrl,
        AuthCredentials credentials,
        ProviderRuntimeOptions? options = null,
        HttpMessageHandler? handler = null,
        AuthType type = AuthType.ApiKey,
        IReadOnlyDictionary<string, string>? metadata = null,
        ICredentialSource? source = null)
    {
        var now = DateTimeOffset.UtcNow;
        var auth = new AuthRecord(Guid.NewGuid(), provider, "test", type, AuthStatus.Active, null, credentials.ExpiresAt,
            metadata ?? new Dictionary<string, string>(), now, now, null);
        // Retries without waiting, so tests of retry behaviour stay fast.
        var runtime = new ProviderRuntime(
            options ?? new ProviderRuntimeOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), CircuitBreaker = false },
            TimeProvider.System,
            NullLoggerFactory.Instance);
        // The provider handlers over the network (or the test's handler), as the app's named client has them.
        var http = new HttpClient(ProviderHttpHandlers.Over(handler ?? new SocketsHttpHandler(), runtime));
        return new ProviderConnection(auth, source ?? new StaticCredentialSource(credentials), http, baseUrl, runtime);
    }

    public static ProviderConnection ApiKey(string provider, Uri baseUrl, string key = "test-key", ProviderRuntimeOptions? options = null) =>
        Create(provider, baseUrl, new AuthCredentials { ApiKey = key }, options);
}
