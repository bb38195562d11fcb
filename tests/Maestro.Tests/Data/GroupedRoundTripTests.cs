using Maestro.Data;
using Maestro.Data.Batching;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Maestro.Tests.Data;

/// <summary>
/// Many concurrent requests in one round trip, against the real database: the requests that arrive while a batch is out
/// all go in the next one, each gets its own result, in the order they came; one request's failure rolls its batch back
/// and is retried alone, so it fails with its own error and every other request of the batch still lands exactly once.
/// </summary>
public sealed class GroupedRoundTripTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private MaestroDatabase _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "grouped");
        _database = _env.Services().GetRequiredService<MaestroDatabase>();
        await using var connection = await _database.OpenConnectionAsync(Ct);
        await using var create = new NpgsqlCommand("CREATE TABLE grouped_rows (id int PRIMARY KEY, label text NOT NULL)", connection);
        await create.ExecuteNonQueryAsync(Ct);
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Requests_that_arrive_while_a_batch_is_out_share_the_next_round_trip_and_each_gets_its_own_result()
    {
        var inserts = new Inserts();
        var grouped = new GroupedRoundTrip<Row, string>(_database, inserts);

        // The first request goes alone; while it is held, fifty more arrive.
        inserts.HoldFirst();
        var first = grouped.RunAsync(new Row(0, "row 0"), Ct);
        await inserts.FirstStarted.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var rest = Enumerable.Range(1, 50).Select(i => grouped.RunAsync(new Row(i, $"row {i}"), Ct)).ToArray();
        inserts.ReleaseFirst();

        (await first).ShouldBe("ROW 0");
        (await Task.WhenAll(rest)).ShouldBe(Enumerable.Range(1, 50).Select(i => $"ROW {i}"), "each request reads its own result");
        inserts.BatchSizes.ShouldBe([1, 50], "the fifty that came while the first was out went in one round trip");
        (await LabelsAsync()).ShouldBe(Enumerable.Range(0, 51).Select(i => $"row {i}"));
    }

    [Fact]
    public async Task One_failing_request_fails_alone_with_its_own_error_and_the_rest_of_its_batch_lands_once_in_order()
    {
        var inserts = new Inserts();
        var grouped = new GroupedRoundTrip<Row, string>(_database, inserts);
        inserts.HoldFirst();
        var first = grouped.RunAsync(new Row(100, "first"), Ct);
        await inserts.FirstStarted.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // Row 105 twice in one batch: the first of the two (in arrival order) wins, the second is refused.
        var ids = new[] { 101, 102, 103, 104, 105, 106, 105, 107 };
        var rest = ids.Select((id, i) => grouped.RunAsync(new Row(id, $"try {i}"), Ct)).ToArray();
        inserts.ReleaseFirst();
        await first;
        await Task.WhenAll(rest).ContinueWith(_ => { }, Ct, TaskContinuationOptions.None, TaskScheduler.Default);

        for (var i = 0; i < ids.Length; i++)
        {
            if (i == 6)
            {
                (await Should.ThrowAsync<InvalidOperationException>(rest[i])).Message.ShouldBe("Row 105 is taken.");
            }
            else
            {
                (await rest[i]).ShouldBe($"TRY {i}");
            }
        }

        inserts.BatchSizes.ShouldBe([1, 8, 1, 1, 1, 1, 1, 1, 1, 1], "the failed batch of eight was retried request by request");
        (await LabelsAsync()).ShouldBe(["first", "try 0", "try 1", "try 2", "try 3", "try 4", "try 5", "try 7"], "every other row exactly once, none from the failed batch twice");
    }

    [Fact]
    public async Task A_request_cancelled_before_its_batch_starts_is_not_written()
    {
        var inserts = new Inserts();
        var grouped = new GroupedRoundTrip<Row, string>(_database, inserts);
        inserts.HoldFirst();
        var first = grouped.RunAsync(new Row(200, "kept"), Ct);
        await inserts.FirstStarted.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelled = grouped.RunAsync(new Row(201, "cancelled"), cancel.Token);
        await cancel.CancelAsync();
        inserts.ReleaseFirst();

        await first;
        await Should.ThrowAsync<TaskCanceledException>(cancelled);
        (await LabelsAsync()).ShouldBe(["kept"]);
    }

    private async Task<List<string>> LabelsAsync()
    {
        await using var connection = await _database.OpenConnectionAsync(Ct);
        await using var select = new NpgsqlCommand("SELECT label FROM grouped_rows ORDER BY id", connection);
        await using var reader = await select.ExecuteReaderAsync(Ct);
        var labels = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            labels.Add(reader.GetString(0));
        }

        return labels;
    }

    private sealed record Row(int Id, string Label);

    /// <summary>One insert per request that returns its label upper-cased; notes each round trip's size; can hold the first read.</summary>
    private sealed class Inserts : IGroupedStatements<Row, string>
    {
        private readonly TaskCompletionSource _firstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<NpgsqlBatch> _batches = [];
        private readonly Dictionary<NpgsqlBatch, int> _sizes = new(ReferenceEqualityComparer.Instance);
        private volatile bool _hold;

        public IReadOnlyList<int> BatchSizes
        {
            get
            {
                lock (_batches)
                {
                    return [.. _batches.Select(b => _sizes[b])];
                }
            }
        }

        public Task FirstStarted => _firstStarted.Task;

        public void HoldFirst() => _hold = true;

        public void ReleaseFirst() => _release.TrySetResult();

        public void Add(NpgsqlBatch batch, Row row)
        {
            lock (_batches)
            {
                if (!_sizes.TryGetValue(batch, out var size))
                {
                    _batches.Add(batch);
                }

                _sizes[batch] = size + 1;
            }

            var command = new NpgsqlBatchCommand("INSERT INTO grouped_rows (id, label) VALUES ($1, $2) RETURNING upper(label)");
            command.Parameters.Add(new NpgsqlParameter { Value = row.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Label });
            batch.BatchCommands.Add(command);
        }

        public async Task<string> ReadAsync(NpgsqlDataReader reader, Row row, CancellationToken cancellationToken)
        {
            if (_hold)
            {
                _hold = false;
                _firstStarted.TrySetResult();
                await _release.Task;
            }

            (await reader.ReadAsync(cancellationToken)).ShouldBeTrue();
            var label = reader.GetString(0);
            await reader.NextResultAsync(cancellationToken);
            return label;
        }

        public Exception? Explain(PostgresException failure, Row row) =>
            failure.SqlState == PostgresErrorCodes.UniqueViolation ? new InvalidOperationException($"Row {row.Id} is taken.") : null;
    }
}
