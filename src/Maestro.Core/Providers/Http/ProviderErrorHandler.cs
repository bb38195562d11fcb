using System.Net;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Turns what went wrong into a typed <see cref="ProviderException"/>: an error response (read up to 64 KB and mapped
/// by the provider's <see cref="IProviderErrorMapper"/>, with its Retry-After) or a connection failure. The resilience
/// handler above decides from the kind whether to try again; success passes through with its body unread.
/// </summary>
public sealed class ProviderErrorHandler(TimeProvider time) : DelegatingHandler
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (ProviderRequest.Of(request) is not { } call)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, call.Context, null,
                $"cannot reach {call.Connection.BaseUrl.Authority}: {Describe(ex)}", inner: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, call.Context, null,
                $"{call.Connection.BaseUrl.Authority} did not answer in time", inner: ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await ReadBoundedAsync(response, cancellationToken);
            throw call.Errors.Map((int)response.StatusCode, body, RetryAfter.From(response.Headers, time), call.Context);
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
