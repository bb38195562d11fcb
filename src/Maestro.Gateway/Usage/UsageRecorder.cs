using System.Collections.Concurrent;
using System.Threading.Channels;
using Maestro.Gateway.Events;
using Maestro.Gateway.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Usage;

/// <summary>
/// Writes gateway usage behind the requests: a request only queues its record; a background loop inserts them in
/// batches (one statement each) about once a second, and updates the keys' last use. Costs not yet written are kept
/// per key so budgets count them at once. Each written batch is announced once (the Gateway page's live usage).
/// </summary>
public sealed class UsageRecorder(
    IGatewayUsageStore store, IGatewayKeyStore keys, GatewayEvents events, GatewayOptions options, TimeProvider time, ILogger<UsageRecorder> logger) : BackgroundService
{
    private const int BatchSize = 1000;
    private const int Capacity = 100_000;

    private readonly Channel<GatewayUsageRecord> _queue = Channel.CreateBounded<GatewayUsageRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ConcurrentDictionary<Guid, decimal> _unwritten = new();
    private long _dropped;

    /// <summary>Queues a record; never waits. When the queue is full (the database is down for long) the record is dropped and counted.</summary>
    public void Record(GatewayUsageRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            if (Interlocked.Increment(ref _dropped) % 1000 == 1)
            {
                logger.LogError("Gateway usage could not be queued ({Dropped} records dropped so far): the database is not keeping up.", Volatile.Read(ref _dropped));
            }

            return;
        }

        if (record.CostUsd is { } cost and > 0)
        {
            _unwritten.AddOrUpdate(record.KeyId, cost, (_, total) => total + cost);
        }
    }

    /// <summary>The cost of a key's requests that is queued but not written yet.</summary>
    public decimal Unwritten(Guid keyId) => _unwritten.TryGetValue(keyId, out var cost) ? cost : 0;

    /// <summary>Writes everything queued so far (tests, shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<GatewayUsageRecord>();
        while (_queue.Reader.TryRead(out var record))
        {
            batch.Add(record);
            if (batch.Count == BatchSize)
            {
                await WriteAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        await WriteAsync(batch, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<GatewayUsageRecord>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(options.UsageFlushInterval, time, stoppingToken);
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteWithRetryAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was taken and what is queued is written below.
        }

        try
        {
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await WriteAsync(batch, last.Token);
            await FlushAsync(last.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Gateway usage not written at shutdown.");
        }
    }

    private async Task WriteWithRetryAsync(List<GatewayUsageRecord> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 5)
            {
                logger.LogWarning(ex, "Writing gateway usage failed (attempt {Attempt}); retrying.", attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), time, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Writing gateway usage failed; {Count} records were dropped.", batch.Count);
                Forget(batch);
                return;
            }
        }
    }

    private async Task WriteAsync(List<GatewayUsageRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await store.InsertAsync(batch, cancellationToken);
        Forget(batch);
        var used = new Dictionary<Guid, DateTimeOffset>();
        foreach (var record in batch)
        {
            used[record.KeyId] = used.TryGetValue(record.KeyId, out var at) && at > record.At ? at : record.At;
        }

        await keys.TouchAsync([.. used.Select(u => (u.Key, u.Value))], cancellationToken);
        events.Usage();
    }

    /// <summary>Written (or given up on): the costs leave the not-yet-written tally.</summary>
    private void Forget(List<GatewayUsageRecord> batch)
    {
        foreach (var record in batch)
        {
            if (record.CostUsd is { } cost and > 0)
            {
                _unwritten.AddOrUpdate(record.KeyId, 0, (_, total) => Math.Max(0, total - cost));
            }
        }
    }
}
