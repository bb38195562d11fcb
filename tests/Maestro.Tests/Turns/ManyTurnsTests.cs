using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text.Json;
using Maestro.Core.Diagnostics;
using Maestro.Data.Notifications;
using Maestro.Tests.Infrastructure;
using Maestro.Web.Api;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Turns;

/// <summary>
/// Many turns at once over the API, against the emulator: all of them finish, every viewer gets every token exactly
/// once and in order (also from another instance on the same database), and a viewer that stops reading holds up
/// nobody. Correctness only; speed is measured by `bench load`.
/// </summary>
public sealed class ManyTurnsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "manyturns");
        _server = await WebServer.StartAsync(_bed.Env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Two_hundred_turns_at_once_all_complete_and_every_viewer_gets_every_token_once_in_order()
    {
        const int count = 200;
        var names = await ApiSessions.CreateAsync(Http, "crowd", count, "synthetic:60@120");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var viewing = new Task[count];
        var watchers = names.Select((name, i) => EventWatcher.Start(Http, name, timeout.Token, out viewing[i])).ToArray();
        await Task.WhenAll(watchers.Select(w => w.Ready));

        var starts = await Task.WhenAll(names.Select(name => Http.PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "All together now" })));
        starts.Select(r => (int)r.StatusCode).ShouldAllBe(status => status == 202, "no turn is refused or fails to start under this limit");
        await Task.WhenAll(viewing);

        var expected = (await EventWatcher.StoredAnswerAsync(Http, names[0])).Text;
        expected.Length.ShouldBeGreaterThan(100);
        for (var i = 0; i < count; i++)
        {
            watchers[i].Problems.ShouldBeEmpty(names[i]);
            watchers[i].TurnStatus.ShouldBe("completed", names[i]);
            watchers[i].Text.ToString().ShouldBe(expected, names[i]);
        }

        // Every conversation is a question and its complete answer: nothing orphaned, nothing left streaming.
        var conversations = await Task.WhenAll(names.Select(name => Http.GetStringAsync($"/api/sessions/{name}/messages")));
        foreach (var json in conversations)
        {
            using var messages = JsonDocument.Parse(json);
            messages.RootElement.EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("status").GetString()}")
                .ShouldBe(["user:complete", "assistant:complete"]);
        }
    }

    [Fact]
    public async Task A_viewers_first_token_is_not_held_back_by_the_status_events_flushed_before_it()
    {
        // A flush interval that never ticks during the test: anything the pacing held would wait ten minutes.
        await _server.DisposeAsync();
        _server = await WebServer.StartAsync(_bed.Env, configureServices: services => services.AddSingleton(new EventStreamOptions { FlushInterval = TimeSpan.FromMinutes(10) }));
        var name = (await ApiSessions.CreateAsync(Http, "first-token", 1, "synthetic:5"))[0];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var response = await Http.SendAsync(EventsRequest(name), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        await using var events = SseParser.Create(body).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        (await events.MoveNextAsync()).ShouldBeTrue();
        events.Current.EventType.ShouldBe("snapshot");

        (await Http.PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "Quick" }, timeout.Token)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var seen = new List<string>();
        while (await events.MoveNextAsync() && events.Current.EventType != "delta")
        {
            seen.Add(events.Current.EventType);
        }

        // The turn's status events went out first, on their own; the first token followed without waiting for a tick.
        events.Current.EventType.ShouldBe("delta");
        seen.ShouldContain("turn_started");
        seen.ShouldContain("message_started");
    }

    [Fact]
    public async Task A_viewer_that_stops_reading_delays_nobody_and_resumes_from_a_snapshot()
    {
        // A small backlog: a turn publishes one text delta per read of the provider's stream (a few per tick), so the
        // default bound would take a long answer to pass. And a small send buffer on the server's sockets: the kernel
        // would otherwise grow it to megabytes on loopback, enough to take the whole answer (a few hundred kilobytes
        // in a few hundred deltas) without the viewer reading a byte, and its backlog would never build up.
        await _server.DisposeAsync();
        _server = await WebServer.StartAsync(_bed.Env, configureServices: services =>
        {
            services.AddSingleton(new EventStreamOptions { MaxBacklog = 16 });
            services.Configure<SocketTransportOptions>(sockets => sockets.CreateBoundListenSocket = endpoint =>
            {
                // Accepted connections inherit the listener's fixed buffer size.
                var listener = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                listener.SendBufferSize = 16 * 1024;
                return listener;
            });
        });
        var name = (await ApiSessions.CreateAsync(Http, "stall", 1, "synthetic:60000"))[0];
        var counters = _server.App.Services.GetRequiredService<LoadCounters>();
        var resyncs = counters.ViewerResyncs;

        // A viewer with a tiny receive window that reads nothing: the server's writes to it soon cannot proceed.
        using var stalledHttp = SmallWindowClient();
        using var stalled = await stalledHttp.SendAsync(EventsRequest(name), HttpCompletionOption.ResponseHeadersRead);
        stalled.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var watcher = EventWatcher.Start(Http, name, timeout.Token, out var viewing);
        await watcher.Ready;
        (await Http.PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "A very long answer" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await viewing;

        watcher.Problems.ShouldBeEmpty();
        watcher.TurnStatus.ShouldBe("completed");
        var (text, status) = await EventWatcher.StoredAnswerAsync(Http, name);
        status.ShouldBe("complete");
        watcher.Text.ToString().ShouldBe(text, "the reading viewer got the whole answer while the other one read nothing");

        // Reading again, the stalled viewer finds snapshots in place of the backlog it could not take: with the deltas
        // around them they make up the whole answer (or, resynced after the turn, an idle snapshot). It then follows
        // the next turn live.
        await using var body = await stalled.Content.ReadAsStreamAsync(timeout.Token);
        var resumed = new EventWatcher();
        var snapshotsInFirstTurn = -1;
        await foreach (var item in SseParser.Create(body).EnumerateAsync(timeout.Token))
        {
            using var json = JsonDocument.Parse(item.Data);
            if (!resumed.Apply(new SseClient.Event(item.EventType, item.EventId ?? "", json.RootElement.Clone())))
            {
                continue;
            }

            if (snapshotsInFirstTurn >= 0)
            {
                break;
            }

            snapshotsInFirstTurn = resumed.Snapshots;
            if (!resumed.EndedWhileBehind)
            {
                resumed.Text.ToString().ShouldBe(text, "snapshots and deltas together give the whole first answer");
            }

            // The next turn, followed live from a fresh start.
            resumed = new EventWatcher();
            (await Http.PatchAsJsonAsync($"/api/sessions/{name}", new { model = "synthetic:80@200", force_model = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await Http.PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "Now a short one" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        snapshotsInFirstTurn.ShouldBeGreaterThan(1, "the stalled viewer was sent a snapshot in place of its backlog");
        counters.ViewerResyncs.ShouldBeGreaterThan(resyncs, "its backlog was dropped, not kept");
        resumed.Problems.ShouldBeEmpty();
        resumed.TurnStatus.ShouldBe("completed");
        resumed.Text.ToString().ShouldBe((await EventWatcher.StoredAnswerAsync(Http, name)).Text);
    }

    [Fact]
    public async Task Two_instances_on_one_database_show_the_same_stream()
    {
        await using var other = await WebServer.StartAsync(_bed.Env);
        var notifier = _server.App.Services.GetRequiredService<PostgresNotifier>();
        await WaitUntilAsync(() => notifier.Peers > 0 && other.App.Services.GetRequiredService<PostgresNotifier>().Peers > 0);

        const int count = 10;
        var names = await ApiSessions.CreateAsync(Http, "twin", count, "synthetic:150@150");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var viewing = new Task[count * 2];
        // Each turn runs on one instance and is watched on both.
        var here = names.Select((name, i) => EventWatcher.Start(Http, name, timeout.Token, out viewing[i])).ToArray();
        var there = names.Select((name, i) => EventWatcher.Start(other.Client, name, timeout.Token, out viewing[count + i])).ToArray();
        await Task.WhenAll(here.Concat(there).Select(w => w.Ready));

        var starts = await Task.WhenAll(names.Select((name, i) =>
            (i % 2 == 0 ? Http : other.Client).PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "Twice over" })));
        starts.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Accepted);
        await Task.WhenAll(viewing);

        var expected = (await EventWatcher.StoredAnswerAsync(Http, names[0])).Text;
        foreach (var watcher in here.Concat(there))
        {
            watcher.Problems.ShouldBeEmpty();
            watcher.TurnStatus.ShouldBe("completed");
            watcher.Text.ToString().ShouldBe(expected);
        }

        // Stopping says goodbye: the instance left behind stops forwarding live events at once, not after a timeout.
        await other.DisposeAsync();
        await WaitUntilAsync(() => notifier.Peers == 0);
    }

    private HttpRequestMessage EventsRequest(string session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseUrl, $"/api/sessions/{session}/events"));
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    /// <summary>A client whose connections can take in only a couple of kilobytes it has not read (same credentials as the test client).</summary>
    private HttpClient SmallWindowClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = _server.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        foreach (var header in Http.DefaultRequestHeaders)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }

        return client;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
