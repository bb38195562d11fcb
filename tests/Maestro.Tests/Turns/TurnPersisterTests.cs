using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Maestro.Core.Conversations;
using Maestro.Core.Diagnostics;
using Maestro.Core.Errors;
using Maestro.Core.Telemetry;
using Maestro.Core.Turns;
using Maestro.Core.Turns.Persistence;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Tests.Turns;

/// <summary>
/// The write-behind persister: a turn's end and its messages' final states go out at once, partial progress at the
/// persist interval (latest wins), a failed write is reported to the turn waiting on it and partial progress is retried,
/// a write refused while the database is busy is tried again (until the patience runs out),
/// progress still waiting is written when the process shuts down, and all running turns' heartbeats share one batch.
/// </summary>
public sealed class TurnPersisterTests : IDisposable
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);
    private readonly Meter _meter = new("Maestro.Tests.TurnPersister");
    private readonly RecordingStore _store = new();

    public void Dispose() => _meter.Dispose();

    [Fact]
    public async Task A_turns_end_and_final_message_are_written_at_once_and_replace_its_waiting_progress()
    {
        await using var persister = Persister(persistEvery: Never, beatEvery: Never);
        var message = Guid.NewGuid();
        var turn = Guid.NewGuid();
        persister.SaveProgress(message, Text("Half an ans"));

        var final = persister.SaveFinalAsync(message, new MessageUpdate { Contents = Text("Half an answer, then all of it."), Status = MessageStatus.Complete });
        var end = persister.EndTurnAsync(new TurnEnd(turn, TurnStatus.Completed, 1, null, null));
        await Task.WhenAll(final, end).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var written = _store.Batches.ToArray();
        written.SelectMany(b => b.Finals).ShouldHaveSingleItem().MessageId.ShouldBe(message);
        written.SelectMany(b => b.Finals).Single().Update.Status.ShouldBe(MessageStatus.Complete);
        written.SelectMany(b => b.Ends).ShouldHaveSingleItem().TurnId.ShouldBe(turn);
        written.SelectMany(b => b.Snapshots).ShouldBeEmpty("the partial save was outdated by the final one and never written");
    }

    [Fact]
    public async Task A_failed_write_fails_the_save_waiting_on_it_and_partial_progress_is_written_by_a_later_batch()
    {
        await using var persister = Persister(persistEvery: TimeSpan.FromMilliseconds(20), beatEvery: Never);
        var streaming = Guid.NewGuid();
        _store.Failing = true;
        persister.SaveProgress(streaming, Text("So far"));

        var final = persister.SaveFinalAsync(Guid.NewGuid(), new MessageUpdate { Status = MessageStatus.Error });
        (await Should.ThrowAsync<InvalidOperationException>(final.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)))
            .Message.ShouldBe("database unreachable");
        await _store.FailedWith(streaming).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        _store.Failing = false;
        var saved = await _store.WroteSnapshot(streaming).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        saved.Update.Contents!.OfType<TextContent>().Single().Text.ShouldBe("So far");
    }

    [Fact]
    public async Task A_final_state_and_an_end_refused_while_the_database_is_busy_go_out_with_a_later_batch()
    {
        await using var persister = Persister(persistEvery: Never, beatEvery: Never);
        _store.RefuseAsBusy = 2;
        var (message, turn) = (Guid.NewGuid(), Guid.NewGuid());

        var final = persister.SaveFinalAsync(message, new MessageUpdate { Contents = Text("All of it."), Status = MessageStatus.Complete });
        var end = persister.EndTurnAsync(new TurnEnd(turn, TurnStatus.Completed, 1, null, null));
        await Task.WhenAll(final, end).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        _store.Refused.ShouldBe(2);
        _store.Batches.SelectMany(b => b.Finals).ShouldHaveSingleItem().MessageId.ShouldBe(message);
        _store.Batches.SelectMany(b => b.Ends).ShouldHaveSingleItem().TurnId.ShouldBe(turn);
    }

    [Fact]
    public async Task A_final_state_the_database_keeps_refusing_fails_once_the_patience_runs_out()
    {
        await using var persister = Persister(persistEvery: Never, beatEvery: Never, patience: TimeSpan.FromMilliseconds(200));
        _store.RefuseAsBusy = int.MaxValue;

        var final = persister.SaveFinalAsync(Guid.NewGuid(), new MessageUpdate { Status = MessageStatus.Complete });

        var refused = await Should.ThrowAsync<BusyException>(final.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        refused.Message.ShouldBe("database restarting");
        _store.Refused.ShouldBeGreaterThan(1, "it was tried again before giving up");
        _store.Batches.ShouldBeEmpty();
    }

    [Fact]
    public async Task Progress_still_waiting_is_written_when_the_process_shuts_down()
    {
        var persister = Persister(persistEvery: Never, beatEvery: Never);
        var message = Guid.NewGuid();
        persister.SaveProgress(message, Text("Written before the exit"));

        await persister.DisposeAsync();

        _store.Batches.SelectMany(b => b.Snapshots).ShouldHaveSingleItem().MessageId.ShouldBe(message);
    }

    [Fact]
    public async Task Every_running_turns_heartbeat_goes_in_one_batch_and_a_stop_asked_for_in_the_database_reaches_its_turn()
    {
        await using var persister = Persister(persistEvery: Never, beatEvery: TimeSpan.FromMilliseconds(20));
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.StopRequested.Add(second);

        var firstStopped = false;
        using var one = persister.Beat(first, () => 1, () => firstStopped = true);
        using var two = persister.Beat(second, () => 2, () => stopped.TrySetResult());
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        _store.Batches.ShouldContain(b => b.Beats.Count == 2, "both turns' heartbeats in one statement");
        _store.Batches.SelectMany(b => b.Beats).Where(b => b.TurnId == second).ShouldAllBe(b => b.Rounds == 2);
        firstStopped.ShouldBeFalse("nobody asked to stop the other turn");
    }

    private TurnPersister Persister(TimeSpan persistEvery, TimeSpan beatEvery, TimeSpan? patience = null) => new(
        _store,
        new TurnEngineOptions { PersistInterval = persistEvery, HeartbeatInterval = beatEvery, SavePatience = patience ?? TimeSpan.FromMinutes(1) },
        TimeProvider.System,
        new LoadCounters(new MaestroMetrics(_meter)),
        NullLogger<TurnPersister>.Instance);

    private static List<AIContent> Text(string text) => [new TextContent(text)];

    /// <summary>Keeps every batch it is given; fails while <see cref="Failing"/>, and refuses as busy the next <see cref="RefuseAsBusy"/>.</summary>
    private sealed class RecordingStore : ITurnProgressStore
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource<MessageProgress>> _written = new();
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _failed = new();

        public ConcurrentQueue<TurnProgressBatch> Batches { get; } = new();

        public HashSet<Guid> StopRequested { get; } = [];

        public int RefuseAsBusy { get; set; }

        public int Refused { get; private set; }

        private volatile bool _failing;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }

        public Task<MessageProgress> WroteSnapshot(Guid message) => Written(message).Task;

        public Task FailedWith(Guid message) => _failed.GetOrAdd(message, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task<IReadOnlyCollection<Guid>> WriteAsync(TurnProgressBatch batch, CancellationToken cancellationToken)
        {
            if (Refused < RefuseAsBusy)
            {
                Refused++;
                throw new BusyException("database restarting", TimeSpan.FromMilliseconds(20));
            }

            if (Failing)
            {
                foreach (var snapshot in batch.Snapshots)
                {
                    _failed.GetOrAdd(snapshot.MessageId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }

                throw new InvalidOperationException("database unreachable");
            }

            Batches.Enqueue(batch);
            foreach (var snapshot in batch.Snapshots)
            {
                Written(snapshot.MessageId).TrySetResult(snapshot);
            }

            return Task.FromResult<IReadOnlyCollection<Guid>>(batch.Beats.Select(b => b.TurnId).Where(StopRequested.Contains).ToList());
        }

        private TaskCompletionSource<MessageProgress> Written(Guid message) =>
            _written.GetOrAdd(message, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
