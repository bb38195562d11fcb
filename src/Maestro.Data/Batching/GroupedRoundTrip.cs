using System.Collections.Concurrent;
using Npgsql;

namespace Maestro.Data.Batching;

/// <summary>
/// One round trip for the same small statements of many concurrent requests (a session create, a turn start's read
/// and its write): the requests that arrive while a batch is out wait for the next one, which takes them all as one
/// batch in one implicit transaction — for writes a group commit: one commit (and one WAL flush) for the lot instead of
/// one per request. No timer: a request arriving when nothing is out goes at once, alone, so an idle server adds no
/// latency; and a request never joins a batch that started before it arrived, so it reads what was committed before it.
/// A batch that fails (one request's unique or foreign key violation rolls back the whole transaction, so nothing of
/// it stays) is retried request by request, so each gets its own outcome and its own clear error; a failure that is
/// not the data's (the pool is saturated, the database is gone) fails every request of the batch with it.
/// </summary>
/// <typeparam name="TRequest">What one request reads or writes.</typeparam>
/// <typeparam name="TResult">What it gets back.</typeparam>
public sealed class GroupedRoundTrip<TRequest, TResult>(MaestroDatabase database, IGroupedStatements<TRequest, TResult> statements)
{
    // The most requests one batch takes; more wait for the next one (a bounded batch, a bounded wait).
    private const int MaxBatch = 256;

    private readonly ConcurrentQueue<Entry> _queue = new();
    private int _draining;

    /// <summary>
    /// Runs <paramref name="request"/> with the others waiting. Once its batch has started, the request is no longer
    /// cancellable: like a single statement already sent, it commits or fails as a whole.
    /// </summary>
    public Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken)
    {
        var entry = new Entry(request, cancellationToken);
        _queue.Enqueue(entry);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        return entry.Completion.Task;
    }

    private async Task DrainAsync()
    {
        var batch = new List<Entry>(16);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var entry))
            {
                if (entry.Cancellation.IsCancellationRequested)
                {
                    entry.Completion.TrySetCanceled(entry.Cancellation);
                }
                else
                {
                    batch.Add(entry);
                }
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref _draining, 0);

                // A request queued after the last look but before the flag dropped would otherwise wait for the next caller.
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            try
            {
                await RunBatchAsync(batch);
            }
            catch (Exception ex)
            {
                // Never expected (every outcome is caught below), but a drain that died would strand every later request.
                foreach (var entry in batch)
                {
                    entry.Completion.TrySetException(ex);
                }
            }
        }
    }

    private async Task RunBatchAsync(List<Entry> batch)
    {
        if (batch.Count == 1)
        {
            await RunAloneAsync(batch[0]);
            return;
        }

        TResult[] results;
        try
        {
            results = await RunTogetherAsync(batch);
        }
        catch (PostgresException)
        {
            // One request's data failed the batch and rolled all of it back: each on its own, for its own outcome.
            foreach (var entry in batch)
            {
                await RunAloneAsync(entry);
            }

            return;
        }
        catch (Exception ex)
        {
            foreach (var entry in batch)
            {
                entry.Completion.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }
    }

    private async Task<TResult[]> RunTogetherAsync(List<Entry> batch)
    {
        await using var command = new NpgsqlBatch();
        for (var i = 0; i < batch.Count; i++)
        {
            var before = command.BatchCommands.Count;
            try
            {
                statements.Add(command, batch[i].Request);
            }
            catch (Exception ex)
            {
                // A request that cannot even be written (say, content that does not serialize) fails alone, as it would have.
                while (command.BatchCommands.Count > before)
                {
                    command.BatchCommands.RemoveAt(command.BatchCommands.Count - 1);
                }

                batch[i].Completion.TrySetException(ex);
                batch.RemoveAt(i--);
            }
        }

        if (batch.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        command.Connection = connection;

        var results = new TResult[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = await statements.ReadAsync(reader, batch[i].Request, CancellationToken.None);
            }

            // The rest of the batch (and the implicit transaction's commit) must succeed before anyone is told.
            while (await reader.NextResultAsync(CancellationToken.None))
            {
            }
        }

        return results;
    }

    private async Task RunAloneAsync(Entry entry)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
            await using var batch = new NpgsqlBatch(connection);
            statements.Add(batch, entry.Request);
            await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
            var result = await statements.ReadAsync(reader, entry.Request, CancellationToken.None);
            while (await reader.NextResultAsync(CancellationToken.None))
            {
            }

            entry.Completion.TrySetResult(result);
        }
        catch (PostgresException ex) when (statements.Explain(ex, entry.Request) is { } explained)
        {
            entry.Completion.TrySetException(explained);
        }
        catch (Exception ex)
        {
            entry.Completion.TrySetException(ex);
        }
    }

    private sealed record Entry(TRequest Request, CancellationToken Cancellation)
    {
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
