using System.Collections.Concurrent;
using Maestro.Core.Conversations;
using Maestro.Core.Diagnostics;
using Maestro.Core.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns.Persistence;

/// <summary>
/// The one write-behind writer for every turn running in this process, so database connections do not grow with the
/// number of turns. Turns hand it their streaming messages' contents (the latest wins; saved every persist interval),
/// the final state of each message and the end of each turn (written at once, several turns' together), and register
/// for heartbeats (all running turns in one statement every heartbeat interval). Each batch is one round trip. A batch
/// the database refuses for a passing reason (<see cref="BusyException"/>: no free connection, a lost connection, a
/// restart) is not the answers' failure: their final states and ends go out again with the next batch, for up to
/// <see cref="TurnEngineOptions.SavePatience"/>, and the turns waiting on them just wait.
/// </summary>
public sealed class TurnPersister(
    ITurnProgressStore store, TurnEngineOptions options, TimeProvider time, LoadCounters counters, ILogger<TurnPersister> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, IList<AIContent>> _snapshots = new();
    private readonly ConcurrentQueue<Pending> _finals = new();

    // Final states and ends refused while the database was busy; only the loop (and the last flush after it) uses it.
    private readonly List<Pending> _retrying = [];
    private readonly ConcurrentDictionary<Guid, Beating> _beating = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>The contents so far of a message still being written; saved with the next batch (latest wins).</summary>
    public void SaveProgress(Guid messageId, IList<AIContent> contents)
    {
        _snapshots[messageId] = contents;
        EnsureRunning();
    }

    /// <summary>A message's final state; completes once it is written.</summary>
    public Task SaveFinalAsync(Guid messageId, MessageUpdate update)
    {
        // Whatever partial save was still waiting is outdated now.
        _snapshots.TryRemove(messageId, out _);
        return Enqueue(new Pending(new MessageProgress(messageId, update), null));
    }

    /// <summary>A turn's end (its pending approvals expire with it); completes once it is written.</summary>
    public Task EndTurnAsync(TurnEnd end) => Enqueue(new Pending(null, end));

    /// <summary>
    /// Keeps a running turn's heartbeat going until disposed. <paramref name="stopRequested"/> runs when the database
    /// says someone asked to stop the turn (a stop from another process whose signal did not arrive).
    /// </summary>
    public IDisposable Beat(Guid turnId, Func<int> rounds, Action stopRequested)
    {
        var beating = new Beating(this, turnId, rounds, stopRequested);
        _beating[turnId] = beating;
        EnsureRunning();
        return beating;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // What is still waiting goes out now (a CLI process ends right after its turn).
        await FlushAsync(snapshots: true, beats: false, giveUp: true, CancellationToken.None);
        _stop.Dispose();
        _wake.Dispose();
    }

    private Task Enqueue(Pending pending)
    {
        _finals.Enqueue(pending);
        EnsureRunning();
        _wake.Release();
        return pending.Written.Task;
    }

    private void EnsureRunning()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextSnapshots = time.GetUtcNow() + options.PersistInterval;
        var nextBeats = time.GetUtcNow() + options.HeartbeatInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var due = nextSnapshots < nextBeats ? nextSnapshots : nextBeats;
            if (_finals.IsEmpty && _retrying.Count == 0 && due > now)
            {
                try
                {
                    await _wake.WaitAsync(due - now, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            // Several wake-ups may have queued while the last batch was written: one batch takes them all.
            while (_wake.CurrentCount > 0 && _wake.Wait(0, CancellationToken.None))
            {
            }

            now = time.GetUtcNow();
            var snapshots = now >= nextSnapshots;
            var beats = now >= nextBeats;
            if (snapshots)
            {
                nextSnapshots = now + options.PersistInterval;
            }

            if (beats)
            {
                nextBeats = now + options.HeartbeatInterval;
            }

            if (await FlushAsync(snapshots, beats, giveUp: false, cancellationToken) is { } pause)
            {
                try
                {
                    await Task.Delay(pause, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Writes one batch; returns how long to wait before the next when the database was busy.</summary>
    private async Task<TimeSpan?> FlushAsync(bool snapshots, bool beats, bool giveUp, CancellationToken cancellationToken)
    {
        var finals = new List<MessageProgress>();
        var ends = new List<TurnEnd>();
        var waiting = new List<Pending>(_retrying);
        _retrying.Clear();
        while (_finals.TryDequeue(out var queued))
        {
            waiting.Add(queued);
        }

        foreach (var pending in waiting)
        {
            if (pending.Message is { } message)
            {
                finals.Add(message);
            }
            else
            {
                ends.Add(pending.End!);
            }
        }

        var partial = new List<MessageProgress>();
        if (snapshots)
        {
            foreach (var id in _snapshots.Keys)
            {
                if (_snapshots.TryRemove(id, out var contents))
                {
                    partial.Add(new MessageProgress(id, new MessageUpdate { Contents = contents }));
                }
            }
        }

        var beat = new List<TurnBeat>();
        if (beats)
        {
            foreach (var turn in _beating.Values)
            {
                beat.Add(new TurnBeat(turn.TurnId, turn.Rounds()));
            }
        }

        var batch = new TurnProgressBatch(partial, finals, ends, beat, time.GetUtcNow());
        if (batch.Count == 0)
        {
            return null;
        }

        try
        {
            var stopRequested = await store.WriteAsync(batch, cancellationToken);
            counters.Persisted(batch.Count);
            foreach (var pending in waiting)
            {
                pending.Written.TrySetResult();
            }

            foreach (var id in stopRequested)
            {
                if (_beating.TryGetValue(id, out var turn))
                {
                    turn.StopRequested();
                }
            }

            return null;
        }
        catch (Exception ex)
        {
            counters.PersistFailed();
            var busy = giveUp ? null : ex as BusyException;
            logger.LogWarning(
                "Saving the progress of running turns failed ({Count} changes{Again}): {Message}",
                batch.Count, busy is null ? "" : ", trying again", ex.Message);
            var now = time.GetUtcNow();
            foreach (var pending in waiting)
            {
                if (busy is not null && pending.StillPatient(now, options.SavePatience))
                {
                    _retrying.Add(pending);
                }
                else
                {
                    pending.Written.TrySetException(ex);
                }
            }

            // Partial saves are retried with the next batch, unless a newer one (or the final state) came meanwhile.
            foreach (var progress in partial)
            {
                _snapshots.TryAdd(progress.MessageId, progress.Update.Contents!);
            }

            return busy?.RetryAfter;
        }
    }

    private sealed record Pending(MessageProgress? Message, TurnEnd? End)
    {
        private DateTimeOffset? _giveUpAt;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether to keep trying after a refusal at <paramref name="now"/>; the first refusal starts the clock.</summary>
        public bool StillPatient(DateTimeOffset now, TimeSpan patience)
        {
            _giveUpAt ??= now + patience;
            return now < _giveUpAt;
        }
    }

    private sealed class Beating(TurnPersister owner, Guid turnId, Func<int> rounds, Action stopRequested) : IDisposable
    {
        public Guid TurnId => turnId;

        public Func<int> Rounds => rounds;

        public Action StopRequested => stopRequested;

        public void Dispose() => owner._beating.TryRemove(new KeyValuePair<Guid, Beating>(turnId, this));
    }
}
