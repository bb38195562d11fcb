using System.Net;
using System.Net.Http.Headers;

namespace Maestro.Bench.Clients;

/// <summary>
/// Answers every request with the same recorded response body from memory, so a benchmark measures parsing, not the
/// network. The request body is drained first, as a real transport would send it (SDKs may serialize lazily). With
/// <paramref name="trickle"/>, the body arrives one event per asynchronous read (<see cref="TrickleStream"/>).
/// </summary>
public sealed class ReplayHandler(byte[] body, bool trickle = false) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            await content.CopyToAsync(Stream.Null, cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = trickle
                ? new StreamContent(new TrickleStream(body)) { Headers = { ContentType = EventStream } }
                : new ByteArrayContent(body) { Headers = { ContentType = EventStream } },
        };
    }
}
