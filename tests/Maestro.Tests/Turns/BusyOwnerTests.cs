using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Core.Turns.Persistence;
using Maestro.Data;
using Maestro.Data.Turns;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Npgsql;

namespace Maestro.Tests.Turns;

/// <summary>
/// A process too busy to write its heartbeats on time (thousands of turns at once) keeps its turns: recovery judges
/// owners on this host by their process, not their heartbeat; and the write-behind batch that carries answers' final
/// states survives losing a deadlock to another writer instead of failing every answer in it, and a batch whose
/// connection is lost comes back as "busy" (the persister writes it again) rather than as a fault.
/// </summary>
public sealed class BusyOwnerTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "busyowner");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_late_heartbeat_of_a_live_process_on_this_host_is_not_a_dead_owner_but_one_from_another_host_is()
    {
        // A live engine of this process other than the bed's (as a CLI's or a second server's would be).
        var live = await RunningTurnAsync("late-live", TurnOwners.ForThisProcess());
        var theirs = await RunningTurnAsync("late-theirs", "another-host:4242:1:x");
        // The bed's own engine never began this one: a turn it lost (its end could not be written).
        var lost = await RunningTurnAsync("late-lost", _bed.Get<TurnEngine>().Owner);
        await AgeHeartbeatsAsync(TimeSpan.FromMinutes(10), live.Turn.Id, theirs.Turn.Id, lost.Turn.Id);

        var recovered = await _bed.Get<TurnRecovery>().RecoverDeadOwnersAsync(CancellationToken.None);

        recovered.ShouldBe(2);
        var turns = _bed.Get<ITurnStore>();
        (await turns.GetAsync(live.Turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Running, "its process is alive, only late");
        (await turns.GetAsync(theirs.Turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Interrupted, "another host's owner is judged by its heartbeat");
        (await turns.GetAsync(lost.Turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Interrupted, "the engine does not run it");
    }

    [Fact]
    public async Task A_turn_the_engine_runs_is_kept_however_late_its_heartbeat()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "late-held", new SessionSpec { Model = "synthetic:5000@20" });
        var engine = _bed.Get<TurnEngine>();
        var handle = await engine.StartAsync(session.Id, new TurnInput("A long story"), _bed.Get<WaitForDecision>(), CancellationToken.None);
        await AgeHeartbeatsAsync(TimeSpan.FromMinutes(10), handle.TurnId);

        (await _bed.Get<TurnRecovery>().RecoverDeadOwnersAsync(CancellationToken.None)).ShouldBe(0);
        (await _bed.Get<ITurnStore>().GetAsync(handle.TurnId, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Running);

        (await engine.StopAsync(session.Id, CancellationToken.None)).ShouldBeTrue();
        (await handle.Completion.WaitAsync(TimeSpan.FromMinutes(1))).Status.ShouldBe(TurnStatus.Cancelled);
    }

    [Fact]
    public async Task A_new_turn_takes_over_a_late_turn_from_another_host_but_not_from_a_live_process_here()
    {
        var mine = await RunningTurnAsync("claim-mine", TurnOwners.ForThisProcess());
        var theirs = await RunningTurnAsync("claim-theirs", "another-host:4242:1:x");
        await AgeHeartbeatsAsync(TimeSpan.FromMinutes(10), mine.Turn.Id, theirs.Turn.Id);
        var engine = _bed.Get<TurnEngine>();

        var refused = await Should.ThrowAsync<Maestro.Core.Errors.ConflictException>(
            () => engine.StartAsync("claim-mine", new TurnInput("Again"), _bed.Get<WaitForDecision>(), CancellationToken.None));
        refused.Message.ShouldStartWith("A turn is already running in this session");

        var handle = await engine.StartAsync("claim-theirs", new TurnInput("Again"), _bed.Get<WaitForDecision>(), CancellationToken.None);
        (await handle.Completion.WaitAsync(TimeSpan.FromMinutes(2))).Status.ShouldBe(TurnStatus.Completed);
        (await _bed.Get<ITurnStore>().GetAsync(theirs.Turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Interrupted);
        (await _bed.Get<ITurnStore>().GetAsync(mine.Turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Running);
    }

    [Fact]
    public async Task A_progress_batch_that_loses_a_deadlock_is_written_again()
    {
        var (turn, message) = await RunningTurnAsync("deadlock", TurnOwners.ForThisProcess());
        var dataSource = await _bed.Get<MaestroDatabase>().GetDataSourceAsync(CancellationToken.None);

        // Another writer takes the message first and will want the turn, which the batch takes first: a cycle.
        await using var other = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await other.BeginTransactionAsync(TestContext.Current.CancellationToken);
        // The other side waits longer before it checks for a deadlock, so PostgreSQL picks the batch as the victim.
        await Execute(other, "SET LOCAL deadlock_timeout = '30s'");
        await Execute(other, $"UPDATE messages SET updated_at = now() WHERE id = '{message.Id}'");

        var store = new PostgresTurnProgressStore(_bed.Get<MaestroDatabase>());
        var writing = store.WriteAsync(FinalBatch(turn, message), CancellationToken.None);

        // The batch holds the turn and waits for the message; now the other writer asks for the turn.
        await WaitForLockWaitAsync(dataSource);
        var blocked = Execute(other, $"UPDATE turns SET heartbeat_at = now() WHERE id = '{turn.Id}'");
        await blocked; // The batch lost and rolled back, so the turn was free.
        await transaction.CommitAsync(TestContext.Current.CancellationToken);

        await writing;
        await ShouldBeFinishedAsync(turn, message);
    }

    [Fact]
    public async Task A_progress_batch_whose_connection_is_lost_is_refused_as_busy_and_the_same_batch_goes_through_later()
    {
        var (turn, message) = await RunningTurnAsync("lost", TurnOwners.ForThisProcess());
        var dataSource = await _bed.Get<MaestroDatabase>().GetDataSourceAsync(CancellationToken.None);

        // Another writer holds the message, so the batch waits on it; then the batch's connection is cut.
        await using var other = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await other.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await Execute(other, $"UPDATE messages SET updated_at = now() WHERE id = '{message.Id}'");
        var store = new PostgresTurnProgressStore(_bed.Get<MaestroDatabase>());
        var batch = FinalBatch(turn, message);
        var writing = store.WriteAsync(batch, CancellationToken.None);
        await WaitForLockWaitAsync(dataSource);
        await Execute(other, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");

        var refused = await Should.ThrowAsync<Maestro.Core.Errors.BusyException>(writing);
        refused.Message.ShouldStartWith("The database did not take the running turns' progress:");
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        (await _bed.Get<ITurnStore>().GetAsync(turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Running, "nothing of the cut batch was written");

        await store.WriteAsync(batch, CancellationToken.None);
        await ShouldBeFinishedAsync(turn, message);
    }

    /// <summary>A write-behind batch that ends the turn and its answer.</summary>
    private static TurnProgressBatch FinalBatch(TurnRecord turn, ConversationMessage message)
    {
        var final = new MessageUpdate { Contents = [new TextContent("The whole answer.")], Status = MessageStatus.Complete };
        return new TurnProgressBatch(
            [], [new MessageProgress(message.Id, final)], [new TurnEnd(turn.Id, TurnStatus.Completed, 1, null, null)], [], DateTimeOffset.UtcNow);
    }

    private async Task ShouldBeFinishedAsync(TurnRecord turn, ConversationMessage message)
    {
        (await _bed.Get<ITurnStore>().GetAsync(turn.Id, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Completed);
        var saved = (await _bed.Get<IConversationStore>().GetMessageAsync(message.Id, CancellationToken.None))!;
        saved.Status.ShouldBe(MessageStatus.Complete);
        saved.Contents.OfType<TextContent>().Single().Text.ShouldBe("The whole answer.");
    }

    private async Task<(TurnRecord Turn, ConversationMessage Message)> RunningTurnAsync(string name, string owner)
    {
        var session = await _bed.CreateSessionAsync("anthropic", name, new SessionSpec { Model = "synthetic:3" });
        await _bed.RunTurnAsync(session, "A first turn, for the thread");
        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        var thread = fresh.CurrentThreadId!.Value;
        var turn = await _bed.Get<ITurnStore>().StartAsync(session.Id, thread, owner, TimeSpan.FromMinutes(1), CancellationToken.None);
        var message = await _bed.Get<IConversationStore>().AppendAsync(
            new NewMessage(thread, MessageRole.Assistant, [new TextContent("Partial")], MessageStatus.Streaming, turn.Id), CancellationToken.None);
        return (turn, message);
    }

    private async Task AgeHeartbeatsAsync(TimeSpan age, params Guid[] turns)
    {
        var dataSource = await _bed.Get<MaestroDatabase>().GetDataSourceAsync(CancellationToken.None);
        await using var command = dataSource.CreateCommand("UPDATE turns SET heartbeat_at = now() - $1 WHERE id = ANY($2)");
        command.Parameters.AddWithValue(age);
        command.Parameters.AddWithValue(turns);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Until some other session of the database waits for a row lock.</summary>
    private static async Task WaitForLockWaitAsync(NpgsqlDataSource dataSource)
    {
        while (true)
        {
            await using var command = dataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()");
            if ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0)
            {
                return;
            }

            await Task.Delay(10); // Another session's state: nothing to await but a look at pg_stat_activity.
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
