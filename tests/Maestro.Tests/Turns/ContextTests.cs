using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Turns;

/// <summary>Context chunks, compaction, provider switches, and threads (fork, edit and resubmit, retry).</summary>
public sealed class ContextTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "context");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Chunks_are_listed_with_sizes_and_a_call_is_deleted_together_with_its_result()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "chunks");
        _bed.Script("anthropic", ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("list_dir")), ScriptedResponse.FromText("Listed."));
        await _bed.RunTurnAsync(session, "List the folder");
        session = await Fresh(session);

        var context = _bed.Get<ContextService>();
        var report = await context.ListAsync(session, CancellationToken.None);
        report.Chunks.Select(c => c.Kind).ShouldBe(["text", "tool_call", "tool_result", "text"]);
        report.Chunks.ShouldAllBe(c => c.Tokens > 0);
        report.ContextWindow.ShouldBeGreaterThan(0);
        report.TotalTokens.ShouldBeGreaterThanOrEqualTo(report.Chunks.Sum(c => c.Tokens));

        var removed = await context.DeleteAsync(session, report.Chunks[2].Id, CancellationToken.None);
        removed.Count.ShouldBe(2, "the result takes its call with it");
        (await context.ListAsync(session, CancellationToken.None)).Chunks.Select(c => c.Kind).ShouldBe(["text", "text"]);

        // The next model call no longer sees the call or its result.
        _bed.Script("anthropic", ScriptedResponse.FromText("Fine."));
        await _bed.RunTurnAsync(session, "Next");
        var body = _bed.Requests("anthropic").Last(r => r.Method == "POST").BodyText;
        body.ShouldNotContain("\"tool_use\"");
        body.ShouldNotContain("\"tool_result\"");

        var missing = await Should.ThrowAsync<NotFoundException>(() => context.DeleteAsync(session, Guid.NewGuid(), CancellationToken.None));
        missing.Message.ShouldContain("no context chunk");
    }

    [Fact]
    public async Task Compaction_summarizes_older_turns_with_the_sessions_model_and_keeps_the_last_exchanges()
    {
        var session = await _bed.CreateSessionAsync("openai", "compact");
        foreach (var i in Enumerable.Range(1, 3))
        {
            _bed.Script("openai", ScriptedResponse.FromText($"Answer {i}."));
            await _bed.RunTurnAsync(session, $"Question {i} about the billing module");
        }

        session = await Fresh(session);
        _bed.Script("openai", ScriptedResponse.FromText("SUMMARY: the user asked three questions about billing."));
        var result = await _bed.Get<ContextService>().CompactAsync(session, CancellationToken.None);

        result.Messages.ShouldBe(2, "question 1 and its answer; the last two exchanges stay");
        var summaryRequest = _bed.Requests("openai").Last(r => r.Method == "POST").BodyText;
        summaryRequest.ShouldContain("Question 1");
        summaryRequest.ShouldNotContain("Question 3");

        var chunks = (await _bed.Get<ContextService>().ListAsync(session, CancellationToken.None)).Chunks;
        chunks.Count(c => c.Kind == "summary").ShouldBe(1);
        chunks.ShouldNotContain(c => c.Preview.Contains("Question 1"));

        // The summary reaches the model with the system prompt; the summarized messages do not.
        _bed.Script("openai", ScriptedResponse.FromText("Ok."));
        await _bed.RunTurnAsync(session, "Question 4");
        var next = _bed.Requests("openai").Last(r => r.Method == "POST").BodyText;
        next.ShouldContain("SUMMARY: the user asked three questions");
        next.ShouldNotContain("Question 1 about");
        next.ShouldContain("Question 3");
    }

    [Fact]
    public async Task A_turn_whose_context_no_longer_fits_the_window_is_compacted_first_and_the_model_gets_the_summary()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "autocompact");
        var window = await _bed.Get<ContextWindows>().ForAsync(new Maestro.Core.Auths.AuthRef("anthropic", "bed"), session.Model, CancellationToken.None);
        // Questions of a quarter of the window each (about four characters a token): the third turn's context fits, the
        // fourth one's is past the 85% at which a session compacts.
        var quarter = new string('x', window);
        foreach (var i in Enumerable.Range(1, 3))
        {
            _bed.Script("anthropic", ScriptedResponse.FromText($"Answer {i}."));
            (await _bed.RunTurnAsync(session, $"Question {i} about the billing module. {quarter}")).Outcome.Status.ShouldBe(TurnStatus.Completed);
        }

        _bed.Requests("anthropic").Count(r => r.Method == "POST").ShouldBe(3, "no compaction while the context fits");
        _bed.Script("anthropic", ScriptedResponse.FromText("SUMMARY: long questions about billing."), ScriptedResponse.FromText("Fine."));
        var run = await _bed.RunTurnAsync(session, $"Question 4 about the billing module. {quarter}");

        run.Outcome.Status.ShouldBe(TurnStatus.Completed);
        var posts = _bed.Requests("anthropic").Where(r => r.Method == "POST").ToList();
        var summaryRequest = posts[^2].BodyText;
        summaryRequest.ShouldContain(ContextCompactor.SummaryInstructions[..40]);
        summaryRequest.ShouldContain("Question 1 about");
        var answered = posts[^1].BodyText;
        answered.ShouldContain("SUMMARY: long questions about billing.");
        answered.ShouldNotContain("Question 1 about");
        answered.ShouldContain("Question 3 about");
        answered.ShouldContain("Question 4 about");
        answered.Length.ShouldBeLessThan(posts[2].BodyText.Length, "two long questions of four go to the model, where the third turn sent three");
        (await _bed.Get<ContextService>().ListAsync(await Fresh(session), CancellationToken.None)).Chunks.Count(c => c.Kind == "summary").ShouldBe(1);
    }

    [Fact]
    public async Task Compaction_tokens_count_in_the_sessions_and_the_auths_usage()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "compactusage");
        foreach (var i in Enumerable.Range(1, 3))
        {
            _bed.Script("anthropic", ScriptedResponse.FromText($"Answer {i}.") with { Usage = new ScriptedUsage { InputTokens = 100, OutputTokens = 10 } });
            await _bed.RunTurnAsync(session, $"Question {i}");
        }

        session = await Fresh(session);
        _bed.Script("anthropic", ScriptedResponse.FromText("SUMMARY: three questions.") with { Usage = new ScriptedUsage { InputTokens = 1000, OutputTokens = 50 } });
        await _bed.Get<ContextService>().CompactAsync(session, CancellationToken.None);

        var usage = await _bed.Get<Maestro.Core.Usage.UsageService>().ForSessionAsync(session.Id, session.Name, CancellationToken.None);
        usage.InputTokens.ShouldBe(3 * 100 + 1000);
        usage.OutputTokens.ShouldBe(3 * 10 + 50);
        usage.ByModel.Single().Messages.ShouldBe(4, "three answers and the summary");
        var auth = await _bed.Get<Maestro.Core.Auths.AuthService>().GetAsync(new Maestro.Core.Auths.AuthRef("anthropic", "bed"), CancellationToken.None);
        (await _bed.Get<Maestro.Core.Usage.UsageService>().ForAuthAsync(auth.Id, "anthropic/bed", CancellationToken.None)).OutputTokens.ShouldBeGreaterThanOrEqualTo(80);

        // The summary shows its own usage, like an answer.
        var summary = (await _bed.Get<IConversationStore>().ListMessagesAsync(session.CurrentThreadId!.Value, null, null, CancellationToken.None)).Single(m => m.Role == MessageRole.Summary);
        summary.Usage!.InputTokenCount.ShouldBe(1000);
    }

    [Fact]
    public async Task Switching_provider_keeps_tool_call_ids_and_results_and_drops_foreign_signatures()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "switch");
        _bed.Script("anthropic",
            new ScriptedResponse { Reasoning = "I should list the folder.", ToolCalls = [ScriptedToolCall.Create("list_dir", "{}", "toolu_01abc")] },
            ScriptedResponse.FromText("It is empty."));
        await _bed.RunTurnAsync(session, "What is here?");

        session = await _bed.Get<SessionService>().UpdateAsync(session.Id, new SessionSpec { Auth = "gemini/bed", Model = SessionTestBed.Models["gemini"] }, CancellationToken.None);
        _bed.Script("gemini", ScriptedResponse.FromText("Still empty."));
        await _bed.RunTurnAsync(session, "And now?");

        var sent = _bed.Requests("gemini").Last(r => r.Method == "POST").Json!.Value;
        var parts = sent.GetProperty("contents").EnumerateArray().SelectMany(c => c.GetProperty("parts").EnumerateArray()).ToList();
        parts.Count(p => NameOf(p, "functionCall") == "list_dir").ShouldBe(1);
        parts.Count(p => NameOf(p, "functionResponse") == "list_dir").ShouldBe(1);
        parts.Count(p => p.TryGetProperty("thoughtSignature", out _)).ShouldBe(0, "Anthropic's signature means nothing to Gemini");

        // Back to Anthropic: its own reasoning signature goes back with the same call id.
        session = await _bed.Get<SessionService>().UpdateAsync(session.Id, new SessionSpec { Auth = "anthropic/bed", Model = SessionTestBed.Models["anthropic"] }, CancellationToken.None);
        _bed.Script("anthropic", ScriptedResponse.FromText("Yes."));
        await _bed.RunTurnAsync(session, "Sure?");
        var back = _bed.Requests("anthropic").Last(r => r.Method == "POST").BodyText;
        back.ShouldContain("toolu_01abc");
        back.ShouldContain("\"signature\"");
    }

    [Fact]
    public async Task Threads_fork_edit_and_retry()
    {
        var session = await _bed.CreateSessionAsync("gemini", "threads");
        _bed.Script("gemini", ScriptedResponse.FromText("One."), ScriptedResponse.FromText("Two."));
        await _bed.RunTurnAsync(session, "First");
        await _bed.RunTurnAsync(session, "Second");
        session = await Fresh(session);
        var conversations = _bed.Get<ConversationService>();
        var messages = await conversations.MessagesAsync(session, null, null, 100, CancellationToken.None);
        var originalThread = session.CurrentThreadId;

        // Fork from the first answer: a new current thread with the first exchange only.
        var fork = await conversations.ForkAsync(session, messages[1].Id, CancellationToken.None);
        session = await Fresh(session);
        session.CurrentThreadId.ShouldBe(fork.Id);
        (await conversations.MessagesAsync(session, null, null, 100, CancellationToken.None)).Select(m => m.Text).ShouldBe(["First", "One."]);
        (await conversations.MessagesAsync(session, originalThread, null, 100, CancellationToken.None)).Count.ShouldBe(4, "the original thread is untouched");

        // Edit the last user message and resubmit.
        await conversations.EditLastUserMessageAsync(session, "First, edited", CancellationToken.None);
        _bed.Script("gemini", ScriptedResponse.FromText("Edited answer."));
        var handle = await _bed.Get<TurnEngine>().StartAsync(session.Id, new TurnInput(null, ResubmitLast: true), _bed.Get<WaitForDecision>(), CancellationToken.None);
        await handle.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        (await conversations.MessagesAsync(session, null, null, 100, CancellationToken.None)).Select(m => m.Text).ShouldBe(["First, edited", "Edited answer."]);

        // Retry replaces the answer.
        await conversations.PrepareRetryAsync(session, CancellationToken.None);
        _bed.Script("gemini", ScriptedResponse.FromText("Retried answer."));
        handle = await _bed.Get<TurnEngine>().StartAsync(session.Id, new TurnInput(null, ResubmitLast: true), _bed.Get<WaitForDecision>(), CancellationToken.None);
        await handle.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        (await conversations.MessagesAsync(session, null, null, 100, CancellationToken.None)).Select(m => m.Text).ShouldBe(["First, edited", "Retried answer."]);

        // Search finds messages in every thread.
        (await conversations.SearchAsync(session, "Second", CancellationToken.None)).ShouldContain(m => m.Text == "Second");

        // Clear starts a new, empty thread.
        await conversations.NewThreadAsync(session, CancellationToken.None);
        session = await Fresh(session);
        (await conversations.MessagesAsync(session, null, null, 100, CancellationToken.None)).ShouldBeEmpty();
        (await conversations.ThreadsAsync(session, CancellationToken.None)).Count.ShouldBe(3);
    }

    private static string? NameOf(System.Text.Json.JsonElement part, string kind) =>
        part.TryGetProperty(kind, out var value) ? value.GetProperty("name").GetString() : null;

    private Task<Session> Fresh(Session session) => _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
}
