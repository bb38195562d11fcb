using System.Buffers;
using System.Net.Http.Headers;
using Maestro.Core.Providers;
using Maestro.Gateway.Inbound;
using Maestro.Gateway.Outbound;
using Maestro.Gateway.Pools;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.PassThrough;

/// <summary>
/// Same-family requests: the client's body goes upstream with only the model rewritten (and the auth's credentials),
/// and the answer comes back as the provider sent it, event by event as the events complete, while its usage is read
/// on the side. Thinking blocks with signatures, server tools and fields Maestro does not know all survive.
/// </summary>
internal static class PassThroughForwarder
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    /// <summary>Client headers that belong to the API itself and go upstream as they are.</summary>
    private static readonly string[] ForwardedHeaders = ["anthropic-version", "anthropic-beta", "openai-beta"];

    /// <summary>Upstream headers the client gets back.</summary>
    private static readonly string[] ReturnedHeaders = ["request-id", "x-request-id"];

    public static async Task<AttemptResult> TryAsync(
        HttpContext context, Upstream.Upstream upstream, PassThroughEndpoint endpoint, WireApi api, ReadOnlyMemory<byte> body,
        RequestProbe probe, string model, bool stream, CancellationToken cancellationToken)
    {
        var askUsage = api == WireApi.ChatCompletions && stream && !probe.IncludeUsage;
        var upstreamBody = PassThroughBody.Rewrite(body, probe, api, model, upstream.Auth.Provider, askUsage);
        HttpResponseMessage response;
        try
        {
            response = await upstream.SendAsync(Build(context.Request, endpoint, upstreamBody, stream), model, cancellationToken);
        }
        catch (ProviderException ex)
        {
            return AttemptResult.NotStarted(ex);
        }

        using (response)
        {
            var outgoing = context.Response;
            outgoing.StatusCode = (int)response.StatusCode;
            outgoing.ContentType = response.Content.Headers.ContentType?.ToString() ?? (stream ? "text/event-stream" : "application/json");
            foreach (var name in ReturnedHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values))
                {
                    outgoing.Headers[name] = values.First();
                }
            }

            var sniffer = new UsageSniffer(api);
            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
            ProviderException? failure = null;
            try
            {
                if (stream)
                {
                    outgoing.Headers.CacheControl = "no-cache";
                    await ForwardEventsAsync(source, outgoing, sniffer, dropUsageChunk: askUsage, cancellationToken);
                }
                else
                {
                    await ForwardBodyAsync(source, outgoing, sniffer, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutException ||
                                       (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = upstream.Connection.StreamFailure(model, ex);
                if (stream)
                {
                    InStreamError.Write(outgoing.BodyWriter, api, failure);
                    await outgoing.BodyWriter.FlushAsync(cancellationToken);
                }
            }

            return new AttemptResult(true, failure, sniffer.Usage, sniffer.Model);
        }
    }

    private static HttpRequestMessage Build(HttpRequest client, PassThroughEndpoint endpoint, ReadOnlyMemory<byte> body, bool stream)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = content };
        request.Headers.Accept.Add(stream ? EventStream : AcceptJson);
        foreach (var name in ForwardedHeaders)
        {
            foreach (var value in client.Headers[name])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var (name, value) in endpoint.Headers)
        {
            if (!request.Headers.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    /// <summary>
    /// Forwards complete SSE events as they arrive (one flush per read): an event is the client's unit, so a partial
    /// one waits for its end, and an event can be looked at or held back without touching the rest.
    /// </summary>
    private static async Task ForwardEventsAsync(Stream source, HttpResponse outgoing, UsageSniffer sniffer, bool dropUsageChunk, CancellationToken cancellationToken)
    {
        var writer = outgoing.BodyWriter;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var consumed = ForwardComplete(buffer.AsSpan(0, filled), writer, sniffer, dropUsageChunk);
                if (consumed > 0)
                {
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                    await writer.FlushAsync(cancellationToken);
                }
            }

            if (filled > 0)
            {
                // The provider ended without a final blank line: what it sent still goes to the client.
                if (sniffer.OnEvent(buffer.AsSpan(0, filled), dropUsageChunk))
                {
                    writer.Write(buffer.AsSpan(0, filled));
                }

                await writer.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes every complete event in <paramref name="data"/>; returns how many bytes that consumed.</summary>
    private static int ForwardComplete(ReadOnlySpan<byte> data, IBufferWriter<byte> writer, UsageSniffer sniffer, bool dropUsageChunk)
    {
        var consumed = 0;
        while (EventEnd(data[consumed..]) is var end and > 0)
        {
            var sse = data.Slice(consumed, end);
            if (sniffer.OnEvent(sse, dropUsageChunk))
            {
                writer.Write(sse);
            }

            consumed += end;
        }

        return consumed;
    }

    /// <summary>The length of the first event including its blank line (LF or CRLF framing), or 0 when it is not complete.</summary>
    private static int EventEnd(ReadOnlySpan<byte> data)
    {
        var lf = data.IndexOf("\n\n"u8);
        var crlf = data.IndexOf("\n\r\n"u8);
        return (lf, crlf) switch
        {
            ( < 0, < 0) => 0,
            ( >= 0, < 0) => lf + 2,
            ( < 0, >= 0) => crlf + 3,
            _ => lf < crlf ? lf + 2 : crlf + 3,
        };
    }

    private static async Task ForwardBodyAsync(Stream source, HttpResponse outgoing, UsageSniffer sniffer, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        sniffer.OnBody(bytes.Span);
        outgoing.ContentLength = bytes.Length;
        await outgoing.Body.WriteAsync(bytes, cancellationToken);
    }
}
