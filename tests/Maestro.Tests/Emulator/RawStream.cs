using System.Text;

namespace Maestro.Tests.Emulator;

/// <summary>Reads a response body as raw bytes, counting SSE events by their blank-line terminators (LF or CRLF).</summary>
public static class RawStream
{
    /// <summary>Everything the server sent before it ended the body or the connection failed.</summary>
    public static async Task<(string Text, Exception? Error)> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await stream.CopyToAsync(received, cancellationToken);
            return (Encoding.UTF8.GetString(received.ToArray()), null);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            return (Encoding.UTF8.GetString(received.ToArray()), exception);
        }
    }

    /// <summary>Reads until <paramref name="events"/> events arrived, then waits <paramref name="quiet"/> for more bytes.</summary>
    /// <returns>The bytes received after the events within the quiet window (empty when the stream stalled).</returns>
    public static async Task<string> BytesAfterEventsAsync(HttpResponseMessage response, int events, TimeSpan quiet, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (CountEvents(text.ToString()) < events)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new InvalidOperationException("The stream ended before the expected events arrived.");
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var afterEvents = text.ToString()[EndOfEvent(text.ToString(), events)..];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(quiet);
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return afterEvents + Encoding.UTF8.GetString(buffer, 0, read) + (read == 0 ? "<end of stream>" : "");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return afterEvents;
        }
    }

    public static int CountEvents(string text) => Events(text).Count;

    /// <summary>The data payload of each event, in order.</summary>
    public static List<string> DataLines(string text) =>
        Events(text).Select(e => e.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]).ToList();

    private static List<string> Events(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n").SkipLast(1).ToList();

    private static int EndOfEvent(string text, int events)
    {
        var index = 0;
        for (var i = 0; i < events; i++)
        {
            var lf = text.IndexOf("\n\n", index, StringComparison.Ordinal);
            var crlf = text.IndexOf("\r\n\r\n", index, StringComparison.Ordinal);
            index = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf + 2;
        }

        return index;
    }
}
