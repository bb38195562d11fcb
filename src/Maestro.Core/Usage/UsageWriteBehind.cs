using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Usage;

/// <summary>
/// Writes the usage ledger behind the provider calls, so the end of a call (the end of a turn's round) never waits for
/// the database. A call only queues its record; one writer inserts everything queued as one statement, and what arrives
/// while that insert is out goes with the next one — no timer, so a quiet server writes each record at once and a busy
/// one writes hundreds per statement. Reports flush first (<see cref="FlushAsync"/>), so a report made in this process
/// counts every call that ended before it. A failed write is kept and retried with a growing pause, logged once per
/// outage, not per record; the queue is bounded, so a database gone for long cannot exhaust memory (what is dropped is
/// counted and logged). A clean stop writes what is left.
/// </summary>
public sealed class UsageWriteBehind(IUsageLedger ledger, TimeProvider time, ILogger<UsageWriteBehind> logger) : IUsageRecorder, IAsyncDisposable
{
    private const int MaxBatch = 1000;
    private const int MaxQueued = 100_000;

    // A batch the database keeps refusing (attempts with pauses of 1, 2, 4, … 30 s: about five minutes) is given up.
    private const int MaxAttempts = 12;
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LastFlush = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<UsageRecord> _queue = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private List<UsageRecord>? _retry;
    private int _attempts;
    private int _queued;
    private int _armed = 1;
    private long _dropped;
    private bool _failing;
    private bool _disposed;
    private Task? _loop;

    /// <summary>Records queued and not written yet (a failed batch waiting for its retry included).</summary>
    public int Pending => Volatile.Read(ref _queued);

    public void Record(UsageRecord record)
    {
        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            if (Interlocked.Increment(ref _dropped) % 1000 == 1)
            {
                logger.LogError("Usage records are being dropped ({Dropped} so far): the database has not taken them for a long time.", Volatile.Read(ref _dropped));
            }

            return;
        }

        _queue.Enqueue(record.At is null ? record with { At = time.GetUtcNow() } : record);
        if (_disposed)
        {
            logger.LogWarning("A usage record arrived after shutdown began; it is written only if a flush still runs.");
            return;
        }

        EnsureRunning();
        if (Volatile.Read(ref _armed) == 1 && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _wake.Release();
        }
    }

    /// <summary>
    /// Writes everything queued before the call. False when the database refused it (the records stay queued and are
    /// retried; the failure is logged by the writer).
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _queued) == 0)
        {
            return true;
        }

        return await WriteQueuedAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        using var last = new CancellationTokenSource(LastFlush);
        try
        {
            await WriteQueuedAsync(last.Token);
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        if (Pending > 0)
        {
            logger.LogError("{Count} usage records could not be written before the process stopped.", Pending);
        }

        _stop.Dispose();
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
        var pause = FirstPause;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(cancellationToken);
                Volatile.Write(ref _armed, 1);
                if (await WriteQueuedAsync(cancellationToken))
                {
                    pause = FirstPause;
                    continue;
                }

                // Still queued: try again after a pause (new records do not hurry a database that refuses).
                await Task.Delay(pause, time, cancellationToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                Volatile.Write(ref _armed, 0);
                _wake.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: DisposeAsync writes what is left.
        }
    }

    /// <summary>Writes until the queue is empty; false when a write failed (its batch is kept for the next attempt).</summary>
    private async Task<bool> WriteQueuedAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var batch = _retry ?? Take();
                if (batch.Count == 0)
                {
                    return true;
                }

                try
                {
                    await ledger.InsertAsync(batch, cancellationToken);
                }
                catch (Exception ex)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // Stopping mid-write: the batch goes out with the last flush.
                        _retry = batch;
                        throw;
                    }

                    Failed(batch, ex);
                    return false;
                }

                Interlocked.Add(ref _queued, -batch.Count);
                _retry = null;
                _attempts = 0;
                if (_failing)
                {
                    _failing = false;
                    logger.LogInformation("The usage ledger is being written again.");
                }
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    private List<UsageRecord> Take()
    {
        var batch = new List<UsageRecord>(Math.Min(Volatile.Read(ref _queued), MaxBatch));
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var record))
        {
            batch.Add(record);
        }

        return batch;
    }

    private void Failed(List<UsageRecord> batch, Exception ex)
    {
        if (!_failing)
        {
            _failing = true;
            logger.LogWarning("Writing the usage ledger failed ({Count} records waiting); retrying: {Message}", Pending, ex.Message);
        }

        if (++_attempts < MaxAttempts)
        {
            _retry = batch;
            return;
        }

        logger.LogError("Gave up writing {Count} usage records after {Attempts} attempts: {Message}", batch.Count, _attempts, ex.Message);
        Interlocked.Add(ref _queued, -batch.Count);
        _retry = null;
        _attempts = 0;
    }
}
