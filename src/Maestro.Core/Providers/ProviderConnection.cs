using Maestro.Core.Auths;
using Maestro.Core.Providers.Http;
using Polly;

namespace Maestro.Core.Providers;

/// <summary>Everything a provider needs to call its API on behalf of one auth.</summary>
public sealed class ProviderConnection
{
    private ResiliencePipeline? _pipeline;

    public ProviderConnection(AuthRecord auth, ICredentialSource credentials, HttpClient http, Uri baseUrl, ProviderRuntime runtime)
    {
        Auth = auth;
        Credentials = credentials;
        Http = http;
        BaseUrl = baseUrl;
        Runtime = runtime;
        AuthLabel = auth.Ref.ToString();
    }

    public AuthRecord Auth { get; }

    public ICredentialSource Credentials { get; }

    public HttpClient Http { get; }

    /// <summary>The resolved API base URL: the auth's <c>base_url</c> override, else the provider's configured one.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Retries, diagnostics and time, shared by every provider call.</summary>
    public ProviderRuntime Runtime { get; }

    /// <summary>"anthropic/work", for error messages.</summary>
    public string AuthLabel { get; }

    /// <summary>
    /// The retry and circuit-breaker pipeline of this provider endpoint, looked up once per connection rather than once
    /// per request (the lookup builds a key string). A race only looks it up twice: the runtime returns the same one.
    /// </summary>
    internal ResiliencePipeline Pipeline => _pipeline ??= Runtime.Resilience.For(Auth.Provider, BaseUrl);
}

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

/// <summary>Credentials that never change (API keys, and tests).</summary>
public sealed class StaticCredentialSource(AuthCredentials credentials) : ICredentialSource
{
    public ValueTask<AuthCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);

    public ValueTask<AuthCredentials?> RefreshAfterRejectionAsync(AuthCredentials rejected, CancellationToken cancellationToken) =>
        ValueTask.FromResult<AuthCredentials?>(null);
}
