using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Turns;

namespace Maestro.Tests.Sessions;

/// <summary>
/// Creates and starts that arrive together share their database round trips: every one of a burst lands, a taken name
/// or a session already busy fails alone with its own clear error, a refused start leaves no message behind, and each
/// conversation keeps its order.
/// </summary>
public sealed class BurstTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "burst");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_hundred_creates_at_once_all_land_and_a_taken_name_fails_alone()
    {
        var names = Enumerable.Range(0, 100).Select(i => $"burst-{i:D3}").Append("burst-042").ToArray();
        var creates = names.Select(name => Task.Run(() => _bed.CreateSessionAsync("anthropic", name, new SessionSpec { Model = "synthetic:5" }), Ct)).ToArray();
        await Task.WhenAll(creates).ContinueWith(_ => { }, Ct, TaskContinuationOptions.None, TaskScheduler.Default);

        creates.Count(t => t.IsCompletedSuccessfully).ShouldBe(100);
        var refused = creates.Where(t => t.IsFaulted).ShouldHaveSingleItem().Exception!.InnerException.ShouldBeOfType<ConflictException>();
        refused.Message.ShouldBe("A session named 'burst-042' already exists.");

        var sessions = await _bed.Get<SessionService>().ListAsync(Ct);
        sessions.Select(s => s.Name).Order().ShouldBe(names.Distinct().Order(), "each name exactly once");
        sessions.ShouldAllBe(s => s.Auth!.ToString() == "anthropic/bed" && s.Model == "synthetic:5", "each row is its own request's");
    }

    [Fact]
    public async Task Fifty_starts_at_once_all_begin_a_second_start_or_a_deleted_session_fails_alone_and_leaves_nothing()
    {
        var service = _bed.Get<SessionService>();
        var sessions = new List<Session>();
        for (var i = 0; i < 50; i++)
        {
            // Session 7 is started twice at once: its answer is long enough that both starts meet a running turn.
            sessions.Add(await _bed.CreateSessionAsync("anthropic", $"start-{i:D2}", new SessionSpec { Model = i == 7 ? "synthetic:6000@20" : "synthetic:20@200" }));
        }

        // One session already has a conversation: its next question must follow it.
        var (earlier, _) = await _bed.RunTurnAsync(sessions[0], "First question");
        earlier.Status.ShouldBe(TurnStatus.Completed);
        var gone = await _bed.CreateSessionAsync("anthropic", "start-gone", new SessionSpec { Model = "synthetic:5" });
        await service.DeleteAsync(gone.Id, Ct);

        var engine = _bed.Get<TurnEngine>();
        var approvals = _bed.Get<WaitForDecision>();
        using var seventhEvents = _bed.Get<SessionEventHub>().Subscribe(sessions[7].Id);
        Task<TurnHandle> Start(Guid id, string text) => Task.Run(() => engine.StartAsync(id, new TurnInput(text), approvals, Ct), Ct);
        var starts = sessions.Select((s, i) => Start(s.Id, $"Question {i}")).ToList();
        var twice = Start(sessions[7].Id, "Question 7 again");
        var deleted = Start(gone.Id, "Into the void");
        await Task.WhenAll([.. starts, twice, deleted]).ContinueWith(_ => { }, Ct, TaskContinuationOptions.None, TaskScheduler.Default);

        (await Should.ThrowAsync<NotFoundException>(deleted)).Message.ShouldStartWith("That session no longer exists");
        var seventh = new[] { starts[7], twice };
        seventh.Count(t => t.IsCompletedSuccessfully).ShouldBe(1, "one of the two starts of the same session runs");
        seventh.Single(t => t.IsFaulted).Exception!.InnerException.ShouldBeOfType<ConflictException>().Message.ShouldStartWith("A turn is already running in this session");
        starts.Where((_, i) => i != 7).ShouldAllBe(t => t.IsCompletedSuccessfully);

        // Stopped once its answer is under way (a stop before the first token would leave no answer to keep).
        await TurnEngineTests.WaitFor(seventhEvents, e => e is { Type: SessionEventTypes.Delta, Delta.Type: "text" });
        (await engine.StopAsync(sessions[7].Id, Ct)).ShouldBeTrue();
        var outcomes = await Task.WhenAll(starts.Concat([twice]).Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.Completion))
            .WaitAsync(TimeSpan.FromMinutes(2), Ct);
        outcomes.Length.ShouldBe(50);
        outcomes.Count(o => o.Status == TurnStatus.Completed).ShouldBe(49);
        outcomes.Count(o => o.Status == TurnStatus.Cancelled).ShouldBe(1, "session 7's long answer, stopped");

        var conversations = _bed.Get<ConversationService>();
        for (var i = 0; i < sessions.Count; i++)
        {
            var messages = await conversations.MessagesAsync(await service.GetAsync(sessions[i].Id, Ct), null, null, 100, Ct);
            var expected = i == 0 ? new[] { "user", "assistant", "user", "assistant" } : ["user", "assistant"];
            messages.Select(m => m.Role.ToString().ToLowerInvariant()).ShouldBe(expected, $"session {i}: no orphaned question, nothing twice");
            messages.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, expected.Length).Select(n => (long)n), $"session {i}: in order");
        }
    }
}
