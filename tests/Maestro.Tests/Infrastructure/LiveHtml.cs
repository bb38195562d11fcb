using System.Net.ServerSentEvents;

namespace Maestro.Tests.Infrastructure;

/// <summary>A UI live stream (/ui/live/...) read as the page's EventSource reads it: its "html" updates, in order.</summary>
public sealed class LiveHtml : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _feed;

    private LiveHtml(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> feed, string first)
    {
        _response = response;
        _feed = feed;
        First = first;
    }

    /// <summary>What the stream sent on connect (the state as it was then).</summary>
    public string First { get; }

    /// <summary>Opens the stream and reads its first item: after it, the stream is subscribed and misses nothing.</summary>
    public static async Task<LiveHtml> OpenAsync(HttpClient http, string path)
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var feed = SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct).GetAsyncEnumerator(ct);
        (await feed.MoveNextAsync()).ShouldBeTrue("the live stream sends the current state on connect");
        return new LiveHtml(response, feed, feed.Current.Data);
    }

    /// <summary>The first later update that <paramref name="match"/> accepts.</summary>
    public async Task<string> UntilAsync(Func<string, bool> match)
    {
        while (await _feed.MoveNextAsync())
        {
            if (_feed.Current.EventType == "html" && match(_feed.Current.Data))
            {
                return _feed.Current.Data;
            }
        }

        throw new InvalidOperationException("The live stream ended before the expected update.");
    }

    public async ValueTask DisposeAsync()
    {
        await _feed.DisposeAsync();
        _response.Dispose();
    }
}
