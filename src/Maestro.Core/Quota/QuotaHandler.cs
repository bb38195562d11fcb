using Maestro.Core.Providers.Http;

namespace Maestro.Core.Quota;

/// <summary>
/// Reads every provider response's quota information into <see cref="IAuthLimits"/>: the innermost handler of the
/// provider HttpClient, so it sees each attempt (retries, the resend after a refresh) and every kind of request — chat,
/// model listing, a gateway request passed through. The provider's <see cref="IQuotaReader"/> (carried by the request's
/// <see cref="ProviderRequest"/>) parses; a success clears a past limit, a 429 marks the auth limited until its reset.
/// Per response, not per token: a few header lookups and one in-memory update; persistence is batched elsewhere.
/// </summary>
public sealed class QuotaHandler(IAuthLimits limits, TimeProvider time) : DelegatingHandler
{
    private const int MaxBodyBytes = 64 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (ProviderRequest.Of(request) is not { } call)
        {
            return response;
        }

        var status = (int)response.StatusCode;
        var success = response.IsSuccessStatusCode;
        if (!success && status != 429)
        {
            // Auth failures, bad requests and server errors say nothing about quota; the gateway reports those it acts on.
            return response;
        }

        var body = ReadOnlyMemory<byte>.Empty;
        if (!success && call.Quota?.ReadsBody(status) == true)
        {
            body = await BufferAsync(response, cancellationToken);
        }

        var now = time.GetUtcNow();
        var reading = call.Quota?.Read(new QuotaResponse(status, response.Headers, body, now));
        limits.Report(call.Connection.Auth.Id, success
            ? new AuthLimitSignal(AuthLimitKind.Ok, Windows: reading?.Windows)
            : new AuthLimitSignal(
                reading?.Exhausted == true ? AuthLimitKind.QuotaExhausted : AuthLimitKind.RateLimited,
                reading?.Until ?? now + RetryAfter.From(response.Headers, time),
                reading?.Detail ?? "the provider answered 429 Too Many Requests",
                reading?.Windows));
        return response;
    }

    /// <summary>Reads the error body (bounded) and puts it back, so the error handler above still reads it.</summary>
    private static async Task<ReadOnlyMemory<byte>> BufferAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] buffer;
        var total = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            buffer = new byte[MaxBodyBytes];
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var replaced = new ByteArrayContent(buffer, 0, total);
        foreach (var header in response.Content.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content.Dispose();
        response.Content = replaced;
        return buffer.AsMemory(0, total);
    }
}
