using System.Collections.Concurrent;
using Maestro.Core.Usage;
using Maestro.Tests.Mcp;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Usage;

/// <summary>
/// The usage ledger written behind the calls: recording never waits for the database, records that arrive while a write
/// is out go together in the next one, a flush writes everything recorded before it, a refused write is retried and
/// logged once (not per record), and a clean stop writes what is left.
/// </summary>
public sealed class UsageWriteBehindTests
{
    private readonly GatedLedger _ledger = new();
    private readonly ListLogger<UsageWriteBehind> _logger = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Records_that_arrive_while_a_write_is_out_go_together_in_the_next_one_and_recording_never_waits()
    {
        await using var writer = new UsageWriteBehind(_ledger, TimeProvider.System, _logger);
        _ledger.Hold();
        writer.Record(Record(1));
        await _ledger.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // The first write is held by the database: these only queue, and return at once.
        for (var i = 2; i <= 101; i++)
        {
            writer.Record(Record(i));
        }

        writer.Pending.ShouldBe(101);
        _ledger.Release();
        (await writer.FlushAsync(Ct)).ShouldBeTrue();

        _ledger.Batches.Select(b => b.Count).ShouldBe([1, 100], "one insert for the first record, one for all that came while it was out");
        _ledger.Batches.SelectMany(b => b).Select(r => r.Usage.OutputTokenCount).ShouldBe(Enumerable.Range(1, 101).Select(i => (long?)i), "in the order recorded");
        _ledger.Batches.SelectMany(b => b).ShouldAllBe(r => r.At != null, "each record keeps the time its call ended");
        writer.Pending.ShouldBe(0);
    }

    [Fact]
    public async Task A_refused_write_is_logged_once_kept_and_written_when_the_database_is_back()
    {
        await using var writer = new UsageWriteBehind(_ledger, TimeProvider.System, _logger);
        _ledger.Hold();
        writer.Record(Record(1));
        await _ledger.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        for (var i = 2; i <= 5; i++)
        {
            writer.Record(Record(i));
        }

        _ledger.Failing = true;
        _ledger.Release();
        (await writer.FlushAsync(Ct)).ShouldBeFalse("the database refuses");
        (await writer.FlushAsync(Ct)).ShouldBeFalse("still refusing");
        writer.Pending.ShouldBe(5, "nothing is lost while the database refuses");
        _logger.Warnings.Count.ShouldBe(1, "one warning for the outage, not one per record or per attempt");
        _logger.Warnings[0].ShouldContain("5 records waiting");

        _ledger.Failing = false;
        (await writer.FlushAsync(Ct)).ShouldBeTrue();
        _ledger.Batches.SelectMany(b => b).Count().ShouldBe(5);
        writer.Pending.ShouldBe(0);
    }

    [Fact]
    public async Task A_clean_stop_writes_what_is_still_queued()
    {
        var writer = new UsageWriteBehind(_ledger, TimeProvider.System, _logger);
        _ledger.Hold();
        writer.Record(Record(1));
        await _ledger.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        writer.Record(Record(2));
        writer.Record(Record(3));

        var stopping = writer.DisposeAsync().AsTask();
        _ledger.Release();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        _ledger.Batches.SelectMany(b => b).Select(r => r.Usage.OutputTokenCount).Order().ShouldBe(new long?[] { 1, 2, 3 });
        _logger.Warnings.ShouldBeEmpty();
    }

    private static UsageRecord Record(int n) =>
        new(Guid.NewGuid(), "anthropic", "claude-sonnet-4-5", UsagePurposes.Turn, new UsageDetails { InputTokenCount = 10, OutputTokenCount = n });

    /// <summary>A ledger that records each insert, and can hold the next one open or refuse.</summary>
    private sealed class GatedLedger : IUsageLedger
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _gate;

        public ConcurrentQueue<List<UsageRecord>> Batches { get; } = new();

        public bool Failing { get; set; }

        public Task Started => _started.Task;

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate?.TrySetResult();

        public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            if (_gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            if (Failing)
            {
                throw new InvalidOperationException("database unreachable");
            }

            Batches.Enqueue([.. records]);
        }
    }
}
