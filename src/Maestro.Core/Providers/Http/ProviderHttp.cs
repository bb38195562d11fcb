using System.Net;
using Maestro.Core.Auths;
using Polly.CircuitBreaker;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// The one way providers send a request: retries for transient failures before any body byte is read, a single
/// refresh-and-retry after a 401, typed errors, and a response whose body is still unread (for streaming).
/// </summary>
public static class ProviderHttp
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <param name="createRequest">Builds a fresh request for the given credentials; called once per attempt.</param>
    public static async Task<HttpResponseMessage> SendAsync(
        ProviderConnection connection,
        Func<AuthCredentials, HttpRequestMessage> createRequest,
        IProviderErrorMapper errors,
        string? model,
        CancellationToken cancellationToken)
    {
        var context = new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, model, connection.BaseUrl);
        var credentials = await connection.Credentials.GetAsync(cancellationToken);
        try
        {
            return await SendWithRetriesAsync(connection, createRequest, credentials, errors, context, cancellationToken);
        }
        catch (ProviderException ex) when (ex is { Kind: ProviderErrorKind.Authentication, StatusCode: 401 })
        {
            var fresh = await connection.Credentials.RefreshAfterRejectionAsync(credentials, cancellationToken);
            if (fresh is null)
            {
                throw;
            }

            return await SendWithRetriesAsync(connection, createRequest, fresh, errors, context, cancellationToken);
        }
    }

    /// <summary>Wraps a successful response's body so that a stalled stream fails after the idle timeout.</summary>
    public static async Task<Stream> ReadStreamAsync(ProviderConnection connection, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new IdleTimeoutStream(stream, connection.Runtime.Options.StreamIdleTimeout, connection.Runtime.Time, cancellationToken);
    }

    /// <summary>A failure while reading an already-started stream, as a typed transport error.</summary>
    public static ProviderException StreamFailure(ProviderConnection connection, string? model, Exception ex) => ProviderErrors.Create(
        ProviderErrorKind.Transport,
        new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, model, connection.BaseUrl),
        null,
        $"the stream from {connection.BaseUrl.Authority} broke off: {ex.Message}",
        inner: ex);

    private static async Task<HttpResponseMessage> SendWithRetriesAsync(
        ProviderConnection connection,
        Func<AuthCredentials, HttpRequestMessage> createRequest,
        AuthCredentials credentials,
        IProviderErrorMapper errors,
        ProviderRequestContext context,
        CancellationToken cancellationToken)
    {
        var pipeline = connection.Pipeline;
        try
        {
            return await pipeline.ExecuteAsync(
                static async (state, token) => await SendOnceAsync(state.connection, state.createRequest, state.credentials, state.errors, state.context, token),
                (connection, createRequest, credentials, errors, context),
                cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw ProviderResilience.CircuitOpen(context, ex);
        }
    }

    private static async ValueTask<HttpResponseMessage> SendOnceAsync(
        ProviderConnection connection,
        Func<AuthCredentials, HttpRequestMessage> createRequest,
        AuthCredentials credentials,
        IProviderErrorMapper errors,
        ProviderRequestContext context,
        CancellationToken cancellationToken)
    {
        var request = createRequest(credentials);
        HttpResponseMessage response;
        try
        {
            response = await connection.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, context, null,
                $"cannot reach {context.BaseUrl.Authority}: {Describe(ex)}", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, context, null,
                $"{context.BaseUrl.Authority} did not answer in time", inner: ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await ReadBoundedAsync(response, cancellationToken);
            var retryAfter = RetryAfter.From(response.Headers, connection.Runtime.Time);
            throw errors.Map((int)response.StatusCode, body, retryAfter, context);
        }
    }

    private static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "the host name does not resolve",
        HttpRequestError.ConnectionError => ex.InnerException?.Message ?? "connection refused",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        _ => ex.InnerException?.Message ?? ex.Message,
    };

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return [];
        }
    }
}
