using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Maestro.Tests.Infrastructure;

/// <summary>Reads a session's server-sent events as a browser's EventSource would, optionally resuming from an id.</summary>
public static class SseClient
{
    public sealed record Event(string Type, string Id, JsonElement Data);

    public static async IAsyncEnumerable<Event> ReadAsync(
        HttpClient http, string path, string? lastEventId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            using var json = JsonDocument.Parse(item.Data);
            yield return new Event(item.EventType, item.EventId ?? "", json.RootElement.Clone());
        }
    }
}
