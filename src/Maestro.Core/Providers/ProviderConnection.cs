using Maestro.Core.Auths;
using Maestro.Core.Providers.Http;
using Polly.CircuitBreaker;

namespace Maestro.Core.Providers;

/// <summary>
/// Everything a provider needs to call its API on behalf of one auth. Its <see cref="Http"/> client runs the provider
/// handlers (<see cref="ProviderHttpHandlers"/>): resilience, typed errors, credentials, the HTTP_DEBUG log.
/// </summary>
public sealed class ProviderConnection
{
    public ProviderConnection(AuthRecord auth, ICredentialSource credentials, HttpClient http, Uri baseUrl, ProviderRuntime runtime)
    {
        Auth = auth;
        Credentials = credentials;
        Http = http;
        BaseUrl = baseUrl;
        Runtime = runtime;
        AuthLabel = auth.Ref.ToString();
        CircuitKey = string.Concat(auth.Provider, "|", auth.Id.ToString("N"));
    }

    public AuthRecord Auth { get; }

    public ICredentialSource Credentials { get; }

    public HttpClient Http { get; }

    /// <summary>The resolved API base URL: the auth's <c>base_url</c> override, else the provider's configured one.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Retry settings, diagnostics and time, shared by every provider call.</summary>
    public ProviderRuntime Runtime { get; }

    /// <summary>"anthropic/work", for error messages and telemetry.</summary>
    public string AuthLabel { get; }

    /// <summary>Which circuit breaker guards this connection's requests: one per provider and auth, built once here.</summary>
    public string CircuitKey { get; }

    /// <summary>The same auth served at another base URL (a provider mode's own backend).</summary>
    public ProviderConnection At(Uri baseUrl) => baseUrl == BaseUrl ? this : new(Auth, Credentials, Http, baseUrl, Runtime);

    public ProviderRequestContext Context(string? model) => new(Auth.Provider, AuthLabel, model, BaseUrl);

    /// <summary>A failure while reading an already-started response, as a typed transport error.</summary>
    public ProviderException StreamFailure(string? model, Exception ex) => ProviderErrors.Create(
        ProviderErrorKind.Transport,
        Context(model),
        null,
        $"the stream from {BaseUrl.Authority} broke off: {ex.Message}",
        inner: ex);

    /// <summary>Reads a whole (non-streaming) body; a body that breaks off or stalls is a transport error.</summary>
    public async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string? model, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutException ||
                                   (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw StreamFailure(model, ex);
        }
    }

    /// <summary>Sends through the handlers with what they need in the request's options (see <see cref="ProviderEndpoint"/>).</summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, ProviderRequest call, CancellationToken cancellationToken)
    {
        request.Options.Set(ProviderRequest.Key, call);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw ProviderResilience.CircuitOpen(call.Context, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: bounds waiting for the headers, retries included.
            throw ProviderErrors.Create(ProviderErrorKind.Transport, call.Context, null, $"{BaseUrl.Authority} did not answer in time", inner: ex);
        }

        // A stream that sends nothing for the idle timeout fails instead of hanging; the caller's token stops it too.
        response.Content = new IdleTimeoutContent(response.Content, Runtime.Options.StreamIdleTimeout, Runtime.Time, cancellationToken);
        return response;
    }
}
