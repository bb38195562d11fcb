using Maestro.Core.Conversations;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Turns;

/// <summary>"Ask" pauses the turn until a user decides: approve once, approve for the session, or deny.</summary>
public sealed class ApprovalTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "approvals");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Approve_once_runs_the_call_and_the_next_call_asks_again()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "approve-once");
        _bed.Script("anthropic", WriteCall("a.txt", "first"), ScriptedResponse.FromText("Wrote it."));
        var outcome = await RunDecidingAsync(session, ApprovalStatus.Approved);
        outcome.Status.ShouldBe(TurnStatus.Completed);
        (await File.ReadAllTextAsync(Path.Combine(_bed.Workdir, "a.txt"))).ShouldBe("first");

        // Approved once only: the policy is unchanged, so the next write asks again.
        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        fresh.Policy.PerTool.Keys.ShouldNotContain("write_file");
    }

    [Fact]
    public async Task Deny_tells_the_model_with_the_reason_and_runs_nothing()
    {
        var session = await _bed.CreateSessionAsync("openai", "deny");
        _bed.Script("openai", WriteCall("b.txt", "nope"), ScriptedResponse.FromText("Understood."));

        var outcome = await RunDecidingAsync(session, ApprovalStatus.Denied, "not in this folder");

        outcome.Status.ShouldBe(TurnStatus.Completed);
        File.Exists(Path.Combine(_bed.Workdir, "b.txt")).ShouldBeFalse();
        var result = await ToolResultText(session);
        result.ShouldContain("denied");
        result.ShouldContain("not in this folder");
    }

    [Fact]
    public async Task Approve_for_the_session_allows_the_tool_from_then_on()
    {
        var session = await _bed.CreateSessionAsync("gemini", "approve-session");
        _bed.Script("gemini", WriteCall("c.txt", "one"), ScriptedResponse.FromText("Done."));
        (await RunDecidingAsync(session, ApprovalStatus.ApprovedForSession)).Status.ShouldBe(TurnStatus.Completed);

        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        fresh.Policy.PerTool["write_file"].ShouldBe(ToolPermission.Allow);

        // The next turn writes without asking.
        _bed.Script("gemini", WriteCall("d.txt", "two"), ScriptedResponse.FromText("Done again."));
        var (second, events) = await _bed.RunTurnAsync(fresh, "Again");
        second.Status.ShouldBe(TurnStatus.Completed);
        events.ShouldNotContain(e => e.Type == SessionEventTypes.ApprovalRequested);
        (await File.ReadAllTextAsync(Path.Combine(_bed.Workdir, "d.txt"))).ShouldBe("two");
    }

    [Fact]
    public async Task Without_an_approver_the_non_interactive_default_denies_and_says_so()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "headless");
        _bed.Script("anthropic", WriteCall("e.txt", "x"), ScriptedResponse.FromText("Ok."));

        var (outcome, events) = await _bed.RunTurnAsync(session, "Write", new DenyWhenNonInteractive(_bed.Get<ApprovalService>()));

        outcome.Status.ShouldBe(TurnStatus.Completed);
        File.Exists(Path.Combine(_bed.Workdir, "e.txt")).ShouldBeFalse();
        (await ToolResultText(session)).ShouldContain("No terminal is attached");
        events.ShouldContain(e => e.Type == SessionEventTypes.ApprovalResolved && e.Approval!.Status == "denied");
    }

    [Fact]
    public async Task Deny_policy_refuses_without_asking_and_allow_policy_runs_without_asking()
    {
        var denied = await _bed.CreateSessionAsync("anthropic", "policy-deny", new SessionSpec { Approve = "deny" });
        _bed.Script("anthropic", ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("list_dir")), ScriptedResponse.FromText("Ok."));
        var (_, deniedEvents) = await _bed.RunTurnAsync(denied, "List");
        deniedEvents.ShouldNotContain(e => e.Type == SessionEventTypes.ApprovalRequested);
        (await ToolResultText(denied)).ShouldContain("does not allow");

        var allowed = await _bed.CreateSessionAsync("anthropic", "policy-allow", new SessionSpec { Approve = "allow" });
        _bed.Script("anthropic", ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("shell", """{"command": "echo hi > shell.txt"}""")), ScriptedResponse.FromText("Ok."));
        var (outcome, events) = await _bed.RunTurnAsync(allowed, "Shell");
        outcome.Status.ShouldBe(TurnStatus.Completed);
        events.ShouldNotContain(e => e.Type == SessionEventTypes.ApprovalRequested);
        File.Exists(Path.Combine(_bed.Workdir, "shell.txt")).ShouldBeTrue();
    }

    /// <summary>Runs a turn and answers its approval request the way a UI or REST client would.</summary>
    private async Task<TurnOutcome> RunDecidingAsync(Session session, ApprovalStatus decision, string? reason = null)
    {
        using var subscription = _bed.Get<SessionEventHub>().Subscribe(session.Id);
        var handle = await _bed.Get<TurnEngine>().StartAsync(session.Id, new TurnInput("Write the file"), _bed.Get<WaitForDecision>(), CancellationToken.None);
        var request = await TurnEngineTests.WaitFor(subscription, e => e.Type == SessionEventTypes.ApprovalRequested);
        request.Approval!.Tool.ShouldBe("write_file");
        request.Approval.Arguments!.Keys.ShouldContain("path");
        (await _bed.Get<ApprovalService>().PendingAsync(session.Id, CancellationToken.None)).Count.ShouldBe(1);

        await _bed.Get<ApprovalService>().DecideAsync(session.Id, request.Approval.ApprovalId, decision, reason, CancellationToken.None);
        return await handle.Completion.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task<string> ToolResultText(Session session)
    {
        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        var messages = await _bed.Get<ConversationService>().MessagesAsync(fresh, null, null, 100, CancellationToken.None);
        return messages.Last(m => m.Role == MessageRole.Tool).Contents.OfType<FunctionResultContent>().Single().Result!.ToString()!;
    }

    private static ScriptedResponse WriteCall(string path, string content) =>
        ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", $$"""{"path": "{{path}}", "content": "{{content}}"}"""));
}
