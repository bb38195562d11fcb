using System.Text.Json;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Turns;

/// <summary>The turn engine against the emulator, for every provider: text, parallel tool calls, errors, limits.</summary>
public sealed class TurnEngineTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "turns");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    public static TheoryData<string> Providers => ["anthropic", "openai", "gemini"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_text_turn_is_stored_with_provider_model_usage_and_latency(string provider)
    {
        var session = await _bed.CreateSessionAsync(provider, $"text-{provider}");
        _bed.Script(provider, ScriptedResponse.FromText("Hello from the model."));

        var (outcome, events) = await _bed.RunTurnAsync(session, "Say hello");

        outcome.Status.ShouldBe(TurnStatus.Completed);
        var messages = await Messages(session);
        messages.Select(m => m.Role).ShouldBe([MessageRole.User, MessageRole.Assistant]);
        var answer = messages[1];
        answer.Text.ShouldBe("Hello from the model.");
        answer.Status.ShouldBe(MessageStatus.Complete);
        answer.Provider.ShouldBe(provider);
        answer.AuthLabel.ShouldBe($"{provider}/bed");
        answer.Usage!.OutputTokenCount.ShouldNotBeNull();
        answer.LatencyMs.ShouldNotBeNull();
        events.Select(e => e.Type).ShouldContain(SessionEventTypes.TurnStarted);
        string.Concat(events.Where(e => e.Type == SessionEventTypes.Delta && e.Delta!.Type == "text").Select(e => e.Delta!.Text)).ShouldBe("Hello from the model.");
        events[^1].Type.ShouldBe(SessionEventTypes.TurnFinished);
    }

    [Fact]
    public async Task Each_turn_sends_the_thread_as_its_start_left_it_in_order_and_without_excluded_messages()
    {
        // The first round is built from the thread the start read in its own transaction: a new thread (the first turn),
        // an existing one (the second), and one with messages excluded since (the third).
        var session = await _bed.CreateSessionAsync("anthropic", "history");
        _bed.Script("anthropic",
            ScriptedResponse.FromText("Answer one."), ScriptedResponse.FromText("Answer two."), ScriptedResponse.FromText("Answer three."));

        (await _bed.RunTurnAsync(session, "Question one")).Outcome.Status.ShouldBe(TurnStatus.Completed);
        LastRequest().ShouldContain("Question one");
        (await _bed.RunTurnAsync(session, "Question two")).Outcome.Status.ShouldBe(TurnStatus.Completed);
        InOrder(LastRequest(), "Question one", "Answer one.", "Question two");

        var firstExchange = (await Messages(session)).Take(2).Select(m => m.Id).ToList();
        (await _bed.Get<IConversationStore>().ExcludeAsync(firstExchange, CancellationToken.None)).ShouldBe(2);
        (await _bed.RunTurnAsync(session, "Question three")).Outcome.Status.ShouldBe(TurnStatus.Completed);
        var third = LastRequest();
        third.ShouldNotContain("Question one");
        third.ShouldNotContain("Answer one.");
        InOrder(third, "Question two", "Answer two.", "Question three");
        (await Messages(session)).Select(m => m.Text).ShouldBe(
            ["Question one", "Answer one.", "Question two", "Answer two.", "Question three", "Answer three."]);

        string LastRequest() => _bed.Requests("anthropic").Last(r => r.Method == "POST").BodyText;

        static void InOrder(string body, params string[] parts)
        {
            var at = parts.Select(p => body.IndexOf(p, StringComparison.Ordinal)).ToList();
            at.ShouldAllBe(i => i >= 0, $"every part is in the request: {body}");
            at.ShouldBeInOrder(SortDirection.Ascending);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Parallel_tool_calls_run_and_their_results_go_back_to_the_model(string provider)
    {
        await File.WriteAllTextAsync(Path.Combine(_bed.Workdir, "notes.txt"), "alpha\nbeta\n");
        var session = await _bed.CreateSessionAsync(provider, $"tools-{provider}");
        _bed.Script(provider,
            ScriptedResponse.FromToolCalls(
                ScriptedToolCall.Create("list_dir", """{"path": "."}"""),
                ScriptedToolCall.Create("read_file", """{"path": "notes.txt"}""")),
            ScriptedResponse.FromText("notes.txt holds alpha and beta."));

        var (outcome, events) = await _bed.RunTurnAsync(session, "What is in notes.txt?");

        outcome.Status.ShouldBe(TurnStatus.Completed);
        outcome.Rounds.ShouldBe(2);
        var messages = await Messages(session);
        messages.Select(m => m.Role).ShouldBe([MessageRole.User, MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant]);
        var calls = messages[1].Contents.OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.Name).ShouldBe(["list_dir", "read_file"]);
        var results = messages[2].Contents.OfType<FunctionResultContent>().ToList();
        results.Select(r => r.CallId).ShouldBe(calls.Select(c => c.CallId));
        results[1].Result!.ToString()!.ShouldContain("alpha");
        messages[3].Text.ShouldBe("notes.txt holds alpha and beta.");

        events.Count(e => e.Type == SessionEventTypes.ToolStarted).ShouldBe(2);
        events.Count(e => e.Type == SessionEventTypes.ToolFinished && !e.Tool!.IsError).ShouldBe(2);

        // The second model call carried both results, in the provider's own format.
        var second = _bed.Requests(provider).Last(r => r.Method == "POST").BodyText;
        second.ShouldContain("alpha");
        second.ShouldContain(calls[0].Name);
    }

    [Fact]
    public async Task Escapes_unknown_tools_and_bad_arguments_are_reported_to_the_model_not_crashed()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "escapes");
        _bed.Script("anthropic",
            ScriptedResponse.FromToolCalls(
                ScriptedToolCall.Create("read_file", """{"path": "../../../../etc/passwd"}"""),
                ScriptedToolCall.Create("no_such_tool", "{}"),
                ScriptedToolCall.Create("read_file", "{}")),
            ScriptedResponse.FromText("I could not do that."));

        var (outcome, _) = await _bed.RunTurnAsync(session, "Read /etc/passwd");

        outcome.Status.ShouldBe(TurnStatus.Completed);
        var results = (await Messages(session))[2].Contents.OfType<FunctionResultContent>().Select(r => r.Result!.ToString()!).ToList();
        results[0].ShouldContain("outside");
        results[0].ShouldNotContain("root:");
        results[1].ShouldContain("Unknown tool 'no_such_tool'");
        results[2].ShouldContain("path");
    }

    [Fact]
    public async Task The_round_limit_stops_an_endless_tool_loop()
    {
        var session = await _bed.CreateSessionAsync("gemini", "loop", new SessionSpec { RoundLimit = 2 });
        _bed.Script("gemini",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("list_dir")),
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("list_dir")),
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("list_dir")));

        var (outcome, events) = await _bed.RunTurnAsync(session, "Loop");

        outcome.Status.ShouldBe(TurnStatus.Completed);
        outcome.Rounds.ShouldBe(2);
        events.ShouldContain(e => e.Type == SessionEventTypes.Notice && e.Notice!.Contains("round limit"));
    }

    [Fact]
    public async Task A_provider_error_mid_stream_keeps_the_partial_answer_and_fails_the_turn()
    {
        var session = await _bed.CreateSessionAsync("openai", "broken");
        _bed.Script("openai", new ScriptedResponse { Text = "one two three four five six seven eight", Fault = EmulatorFault.Parse("disconnect:6") });

        var (outcome, _) = await _bed.RunTurnAsync(session, "Talk");

        outcome.Status.ShouldBe(TurnStatus.Failed);
        var answer = (await Messages(session))[1];
        answer.Status.ShouldBe(MessageStatus.Error);
        answer.Error!.ShouldContain("broke off");
        _bed.Requests("openai").Count(r => r.Method == "POST").ShouldBe(1, "a partly streamed answer is never retried");
    }

    [Fact]
    public async Task Stop_cancels_a_streaming_turn_and_keeps_what_was_written()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "stopped", new SessionSpec { Model = "synthetic:2000@100" });
        using var subscription = _bed.Get<SessionEventHub>().Subscribe(session.Id);
        var handle = await _bed.Get<TurnEngine>().StartAsync(session.Id, new TurnInput("Go"), _bed.Get<WaitForDecision>(), CancellationToken.None);
        await WaitFor(subscription, e => e.Type == SessionEventTypes.Delta);

        (await _bed.Get<TurnEngine>().StopAsync(session.Id, CancellationToken.None)).ShouldBeTrue();
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Status.ShouldBe(TurnStatus.Cancelled);
        var answer = (await Messages(session))[1];
        answer.Status.ShouldBe(MessageStatus.Cancelled);
        answer.Text.Length.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Only_one_turn_runs_per_session()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "single", new SessionSpec { Model = "synthetic:2000@100" });
        var engine = _bed.Get<TurnEngine>();
        var first = await engine.StartAsync(session.Id, new TurnInput("First"), _bed.Get<WaitForDecision>(), CancellationToken.None);

        var error = await Should.ThrowAsync<ConflictException>(() => engine.StartAsync(session.Id, new TurnInput("Second"), _bed.Get<WaitForDecision>(), CancellationToken.None));

        error.Message.ShouldContain("already running");
        await engine.StopAsync(session.Id, CancellationToken.None);
        await first.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_saved()
    {
        var sessions = _bed.Get<SessionService>();
        var missingDir = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.CreateSessionAsync("anthropic", "nowhere", new SessionSpec { WorkingDirectory = "/definitely/not/here" }));
        missingDir.Errors["working_directory"][0].ShouldContain("does not exist");

        var badTool = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.CreateSessionAsync("anthropic", "badtool", new SessionSpec { Tools = ["read_file", "teleport"] }));
        badTool.Errors["tools"][0].ShouldContain("teleport");

        var session = await _bed.CreateSessionAsync("anthropic", "empty-prompt");
        var empty = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.Get<TurnEngine>().StartAsync(session.Id, new TurnInput("  "), _bed.Get<WaitForDecision>(), CancellationToken.None));
        empty.Errors.Keys.ShouldContain("prompt");
        (await sessions.GetAsync(session.Id, CancellationToken.None)).CurrentThreadId.ShouldBeNull();
    }

    private async Task<IReadOnlyList<ConversationMessage>> Messages(Session session)
    {
        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        return await _bed.Get<ConversationService>().MessagesAsync(fresh, null, null, 100, CancellationToken.None);
    }

    internal static async Task<SessionEvent> WaitFor(Subscription subscription, Func<SessionEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var e in subscription.Reader.ReadAllAsync(timeout.Token))
        {
            if (match(e))
            {
                return e;
            }
        }

        throw new TimeoutException("The expected event did not come.");
    }
}
