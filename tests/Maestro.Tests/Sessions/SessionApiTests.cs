using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns.Persistence;
using Maestro.Data.Notifications;
using Maestro.Data.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Sessions;

/// <summary>Sessions over REST: create, run a turn, follow its events (and resume them), approve, context.</summary>
public sealed class SessionApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "sessionapi");
        _server = await WebServer.StartAsync(_bed.Env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Create_validates_per_field()
    {
        var response = await Http.PostAsJsonAsync("/api/sessions", new { name = "bad name!", auth = "anthropic/nope", model = "", working_directory = "/not/here", tools = new[] { "teleport" }, approve = "maybe" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        foreach (var field in new[] { "name", "model" })
        {
            errors.TryGetProperty(field, out _).ShouldBeTrue(field);
        }

        (await Http.GetStringAsync("/api/sessions")).ShouldBe("[]");
    }

    [Fact]
    public async Task A_turn_started_over_rest_streams_its_events_and_a_dropped_connection_resumes_without_losing_or_repeating_text()
    {
        // Ten seconds of answer: a viewer's frames each carry what came in a flush interval (several tokens), so the
        // drop after ten frames lands well inside the stream.
        var session = await CreateAsync("resume", "synthetic:2000@200");
        var started = await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Tell me a long story" });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var text = new StringBuilder();
        string? lastId = null;
        using (var firstConnection = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            var deltas = 0;
            await foreach (var e in SseClient.ReadAsync(Http, $"/api/sessions/{session}/events", null, firstConnection.Token))
            {
                if (e.Type == "snapshot")
                {
                    text.Append(e.Data.GetProperty("delta").GetProperty("text").GetString());
                }
                else if (e.Type == "delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "text")
                {
                    text.Append(e.Data.GetProperty("delta").GetProperty("text").GetString());
                    deltas++;
                }

                lastId = e.Id;
                if (deltas == 10)
                {
                    break; // The connection drops mid-stream.
                }
            }
        }

        await StreamedTextAsync(session, 100); // Events keep coming while nobody listens.
        using (var second = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await foreach (var e in SseClient.ReadAsync(Http, $"/api/sessions/{session}/events", lastId, second.Token))
            {
                e.Type.ShouldNotBe("snapshot", "a resume within the kept window needs no snapshot");
                if (e.Type == "delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "text")
                {
                    text.Append(e.Data.GetProperty("delta").GetProperty("text").GetString());
                }

                if (e.Type == "turn_finished")
                {
                    break;
                }
            }
        }

        using var messages = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/messages"));
        var answer = messages.RootElement.EnumerateArray().Last();
        var stored = string.Concat(answer.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));
        text.ToString().ShouldBe(stored);
        answer.GetProperty("status").GetString().ShouldBe("complete");
    }

    [Fact]
    public async Task The_tokens_of_one_read_are_published_as_one_text_delta()
    {
        // 300 tokens a second, read at most once per 100 ms tick: a few dozen tokens per read.
        var session = await CreateAsync("burst", "synthetic:300@300");
        using var events = await StartWatchedTurnAsync(session, "Go");

        var text = new StringBuilder();
        var deltas = 0;
        long expectedOffset = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in events.Reader.ReadAllAsync(timeout.Token))
        {
            if (e is { Type: SessionEventTypes.Delta, Delta: { Type: "text", Text: { } piece, Offset: { } offset } })
            {
                offset.ShouldBe(expectedOffset, "each delta starts where the previous one ended");
                expectedOffset += piece.Length;
                text.Append(piece);
                deltas++;
            }
            else if (e.Type == SessionEventTypes.TurnFinished)
            {
                break;
            }
        }

        text.ToString().ShouldBe(await StoredAsync(session, "text"));
        deltas.ShouldBeInRange(1, 150, "tokens that arrive together go out together, not one event each");
    }

    [Fact]
    public async Task Reasoning_tokens_that_arrive_together_are_published_together_and_apart_from_the_text()
    {
        // A recorded answer with extended thinking (14 thinking deltas, then the text), replayed at 140 events a second.
        var session = await CreateAsync("thoughts", "fixture:thinking-budget-sonnet-4@140");
        using var events = await StartWatchedTurnAsync(session, "Think first");

        var reasoning = new StringBuilder();
        var text = new StringBuilder();
        var reasoningDeltas = 0;
        var kinds = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in events.Reader.ReadAllAsync(timeout.Token))
        {
            if (e is { Type: SessionEventTypes.Delta, Delta: { Type: "reasoning" or "text", Text: { } piece } delta })
            {
                (delta.Type == "text" ? text : reasoning).Append(piece);
                reasoningDeltas += delta.Type == "reasoning" ? 1 : 0;
                if (kinds.Count == 0 || kinds[^1] != delta.Type)
                {
                    kinds.Add(delta.Type);
                }
            }
            else if (e.Type == SessionEventTypes.TurnFinished)
            {
                break;
            }
        }

        reasoning.ToString().ShouldBe(await StoredAsync(session, "reasoning"));
        text.ToString().ShouldBe(await StoredAsync(session, "text"));
        kinds.ShouldBe(["reasoning", "text"], "the thinking comes first, then the answer, never mixed in one delta");
        reasoningDeltas.ShouldBeInRange(1, 7, "thinking tokens that arrive together go out together");
    }

    [Fact]
    public async Task A_viewer_joining_mid_stream_gets_the_text_so_far_then_the_rest()
    {
        var session = await CreateAsync("join", "synthetic:300@150");
        var streaming = StreamedTextAsync(session, 100);
        await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Go" });
        await streaming;

        var text = new StringBuilder();
        var sawSnapshot = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in SseClient.ReadAsync(Http, $"/api/sessions/{session}/events", null, timeout.Token))
        {
            if (e.Type == "snapshot")
            {
                sawSnapshot = true;
                e.Data.GetProperty("turn").GetProperty("status").GetString().ShouldBe("running");
                text.Append(e.Data.GetProperty("delta").GetProperty("text").GetString());
            }
            else if (e.Type == "delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "text")
            {
                text.Append(e.Data.GetProperty("delta").GetProperty("text").GetString());
            }
            else if (e.Type == "turn_finished")
            {
                break;
            }
        }

        sawSnapshot.ShouldBeTrue();
        using var messages = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/messages"));
        var stored = messages.RootElement.EnumerateArray().Last().GetProperty("blocks")[0].GetProperty("text").GetString();
        text.ToString().ShouldBe(stored);
    }

    [Fact]
    public async Task A_viewer_joining_mid_stream_on_another_instance_gets_the_stored_text_then_exactly_the_rest()
    {
        // The other instance's snapshot starts from the text saved last: up to a second old, and possibly ending inside
        // a delta (it is saved between the tokens of one read of the provider's stream). The viewer must get every
        // character after it once, with no gap.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var other = await StartOtherInstanceAsync(timeout.Token);

        var session = await CreateAsync("joinelsewhere", "synthetic:500@100");
        var streaming = StreamedTextAsync(session, 1200);
        (await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Go" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await streaming;

        var there = await WatchToTheEndAsync(other, session, timeout.Token);
        there.SnapshotTextLength.ShouldBeGreaterThan(0, "the snapshot came from the text saved while streaming");
    }

    [Fact]
    public async Task A_viewer_on_an_instance_started_mid_stream_gets_every_character()
    {
        // The new instance hears the turn's events only from its greeting on, while the text it reads from the database
        // was saved up to a second before: the characters between reach it neither way, and are read again once saved.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var session = await CreateAsync("newinstance", "synthetic:1000@100");
        await using var other = await StartOtherInstanceMidStreamAsync(session, timeout.Token);

        await WatchToTheEndAsync(other, session, timeout.Token);
    }

    [Fact]
    public async Task A_chat_tab_on_an_instance_started_mid_stream_shows_the_answer_as_it_is_written()
    {
        // The chat page meets the same gap as the API viewer above. Its copy of the message cannot take a delta that
        // starts past its end, so without the text between it stopped showing the message until it was finished.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var session = await CreateAsync("newinstancetab", "synthetic:1000@100");
        await using var other = await StartOtherInstanceMidStreamAsync(session, timeout.Token);

        using var messages = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/messages"));
        var answer = Guid.Parse(messages.RootElement.EnumerateArray().Last().GetProperty("id").GetString()!);
        var tail = $"id=\"{Maestro.Web.Components.Chat.DomIds.Tail(answer)}\"";
        await using var tab = await LiveHtml.OpenAsync(other.Client, $"/ui/live/sessions/{session}");
        tab.First.ShouldContain(tail, customMessage: "the tab opens on the message being written");

        var update = await tab.UntilAsync(html => html.Contains(tail, StringComparison.Ordinal) || html.Contains("The answer is complete.", StringComparison.Ordinal));
        update.ShouldContain(tail, customMessage: "the message grows in the tab while it is written, not only once it is finished");
        update.ShouldNotContain("The answer is complete.");
    }

    [Fact]
    public async Task A_viewer_joining_while_the_turns_end_is_saved_gets_the_whole_answer_then_the_end()
    {
        // The turn's end is held at the database: the answer is finished and saved, and the turn still runs. A viewer
        // joining then, on this instance (the turn's own text) or on another (the stored answer), must get the whole
        // answer and then the end. (It used to get an empty message here: a stalled viewer resyncing at the end of a
        // turn lost the answer it had already been sent.)
        await _server.DisposeAsync();
        _server = await WebServer.StartAsync(_bed.Env, configureServices: services =>
        {
            services.AddSingleton<PostgresTurnProgressStore>();
            services.AddSingleton<ITurnProgressStore>(provider => new HeldTurnEnds(provider.GetRequiredService<PostgresTurnProgressStore>()));
        });
        var held = (HeldTurnEnds)_server.App.Services.GetRequiredService<ITurnProgressStore>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var other = await StartOtherInstanceAsync(timeout.Token);

        var session = await CreateAsync("ending", "synthetic:40");
        try
        {
            (await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Go" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await held.Reached.WaitAsync(timeout.Token);

            var here = EventWatcher.Start(Http, session, timeout.Token, out var viewingHere);
            var there = EventWatcher.Start(other.Client, session, timeout.Token, out var viewingThere);
            await Task.WhenAll(here.Ready, there.Ready);

            // A chat tab joining then shows the answer as stored (finished), not as a message still being written.
            using var messages = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/messages"));
            var answerId = messages.RootElement.EnumerateArray().Last().GetProperty("id").GetString()!;
            foreach (var (client, where) in new[] { (Http, "here"), (other.Client, "on the other instance") })
            {
                await using var tab = await LiveHtml.OpenAsync(client, $"/ui/live/sessions/{session}");
                tab.First.ShouldContain(answerId, customMessage: where);
                tab.First.ShouldContain("status-complete", customMessage: where);
                tab.First.ShouldNotContain("status-streaming", customMessage: where);
            }

            held.Release();
            await Task.WhenAll(viewingHere, viewingThere);

            var (stored, status) = await EventWatcher.StoredAnswerAsync(Http, session);
            status.ShouldBe("complete");
            stored.Length.ShouldBeGreaterThan(100);
            foreach (var (watcher, where) in new[] { (here, "here"), (there, "on the other instance") })
            {
                watcher.Snapshots.ShouldBe(1, where);
                watcher.SnapshotMessageStatus.ShouldBe("complete", where);
                watcher.EndedWhileBehind.ShouldBeFalse($"{where}: the snapshot showed the turn running, and turn_finished followed");
                watcher.Problems.ShouldBeEmpty(where);
                watcher.TurnStatus.ShouldBe("completed", where);
                watcher.Text.ToString().ShouldBe(stored, where);
            }
        }
        finally
        {
            held.Release();
        }
    }

    [Fact]
    public async Task Approvals_are_listed_and_decided_over_rest_and_a_second_turn_is_refused_meanwhile()
    {
        var session = await CreateAsync("rest-approve", SessionTestBed.Models["anthropic"]);
        _bed.Script("anthropic",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path": "rest.txt", "content": "via rest"}""")),
            ScriptedResponse.FromText("Written."));
        (await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Write" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        JsonElement pending = default;
        for (var i = 0; i < 100 && pending.ValueKind != JsonValueKind.Object; i++)
        {
            using var list = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/approvals"));
            pending = list.RootElement.GetArrayLength() > 0 ? list.RootElement[0].Clone() : default;
            await Task.Delay(100);
        }

        pending.GetProperty("tool").GetString().ShouldBe("write_file");
        var busy = await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Another" });
        busy.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await busy.Content.ReadAsStringAsync()).ShouldContain("already running");

        var bad = await Http.PostAsJsonAsync($"/api/sessions/{session}/approvals/{pending.GetProperty("id").GetString()}", new { decision = "perhaps" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var ok = await Http.PostAsJsonAsync($"/api/sessions/{session}/approvals/{pending.GetProperty("id").GetString()}", new { decision = "approve" });
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The tool may have created the file without having written it yet.
        var written = Path.Combine(_bed.Workdir, "rest.txt");
        for (var i = 0; i < 100 && !(File.Exists(written) && new FileInfo(written).Length > 0); i++)
        {
            await Task.Delay(100);
        }

        (await File.ReadAllTextAsync(written)).ShouldBe("via rest");
        var again = await Http.PostAsJsonAsync($"/api/sessions/{session}/approvals/{pending.GetProperty("id").GetString()}", new { decision = "deny" });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Context_chunks_over_rest_and_deleting_a_missing_chunk_is_a_404()
    {
        var session = await CreateAsync("rest-context", SessionTestBed.Models["gemini"], "gemini");
        _bed.Script("gemini", ScriptedResponse.FromText("Hi."));
        await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Hello" });
        for (var i = 0; i < 100; i++)
        {
            using var s = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}"));
            if (s.RootElement.GetProperty("running_turn_id").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            await Task.Delay(100);
        }

        using var context = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/context"));
        context.RootElement.GetProperty("chunks").GetArrayLength().ShouldBe(2);
        context.RootElement.GetProperty("context_window").GetInt32().ShouldBeGreaterThan(0);

        (await Http.DeleteAsync($"/api/sessions/{session}/context/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var first = context.RootElement.GetProperty("chunks")[0].GetProperty("id").GetString();
        (await Http.DeleteAsync($"/api/sessions/{session}/context/{first}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<string> CreateAsync(string name, string model, string provider = "anthropic")
    {
        var response = await Http.PostAsJsonAsync("/api/sessions", new { name, auth = $"{provider}/bed", model, force_model = true, working_directory = _bed.Workdir });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }

    /// <summary>Follows the session's events in the server itself (every event as published), then starts a turn.</summary>
    private async Task<Subscription> StartWatchedTurnAsync(string session, string text)
    {
        var id = (await _server.App.Services.GetRequiredService<SessionService>().GetAsync(session, CancellationToken.None)).Id;
        var events = _server.App.Services.GetRequiredService<SessionEventHub>().Subscribe(id);
        (await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        return events;
    }

    /// <summary>A second instance on the same database, once the two are forwarding events to each other.</summary>
    private async Task<WebServer> StartOtherInstanceAsync(CancellationToken cancellationToken)
    {
        var other = await WebServer.StartAsync(_bed.Env);
        try
        {
            var notifier = other.App.Services.GetRequiredService<PostgresNotifier>();
            while (notifier.Peers == 0)
            {
                await Task.Delay(20, cancellationToken);
            }

            return other;
        }
        catch
        {
            await other.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a turn, then a second instance once 600 characters have streamed (after this one's last save).</summary>
    private async Task<WebServer> StartOtherInstanceMidStreamAsync(string session, CancellationToken cancellationToken)
    {
        var streaming = StreamedTextAsync(session, 600);
        (await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Go" }, cancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await streaming;
        return await StartOtherInstanceAsync(cancellationToken);
    }

    /// <summary>
    /// Follows the running turn's events on <paramref name="other"/> from a snapshot to the turn's end: one snapshot, no
    /// problem, the turn completed, and exactly the stored answer.
    /// </summary>
    private async Task<EventWatcher> WatchToTheEndAsync(WebServer other, string session, CancellationToken cancellationToken)
    {
        var there = EventWatcher.Start(other.Client, session, cancellationToken, out var viewing);
        await viewing;

        var (stored, status) = await EventWatcher.StoredAnswerAsync(Http, session);
        status.ShouldBe("complete");
        there.Snapshots.ShouldBe(1);
        there.Problems.ShouldBeEmpty();
        there.TurnStatus.ShouldBe("completed");
        there.Text.ToString().ShouldBe(stored);
        return there;
    }

    /// <summary>The stored text of the session's last message: its blocks of one type, joined.</summary>
    private async Task<string> StoredAsync(string session, string blockType)
    {
        using var messages = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{session}/messages"));
        var blocks = messages.RootElement.EnumerateArray().Last().GetProperty("blocks").EnumerateArray();
        return string.Concat(blocks.Where(b => b.GetProperty("type").GetString() == blockType).Select(b => b.GetProperty("text").GetString()));
    }

    /// <summary>Waits until the running turn has published this many characters of text (in however many deltas).</summary>
    private async Task StreamedTextAsync(string session, int characters)
    {
        var services = _server.App.Services;
        var id = (await services.GetRequiredService<SessionService>().GetAsync(session, CancellationToken.None)).Id;
        using var events = services.GetRequiredService<SessionEventHub>().Subscribe(id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = 0;
        await foreach (var e in events.Reader.ReadAllAsync(timeout.Token))
        {
            if (e.Type == SessionEventTypes.Delta && e.Delta is { Type: "text", Text: { } text } && (seen += text.Length) >= characters)
            {
                return;
            }
        }
    }

    /// <summary>Holds the write of a turn's end until released (the turn's answer is saved before it).</summary>
    private sealed class HeldTurnEnds(ITurnProgressStore store) : ITurnProgressStore
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public async Task<IReadOnlyCollection<Guid>> WriteAsync(TurnProgressBatch batch, CancellationToken cancellationToken)
        {
            if (batch.Ends.Count > 0)
            {
                _reached.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            return await store.WriteAsync(batch, cancellationToken);
        }
    }
}
