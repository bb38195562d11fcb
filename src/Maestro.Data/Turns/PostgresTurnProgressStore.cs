using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Turns;
using Maestro.Core.Turns.Persistence;
using Maestro.Data.Conversations;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Turns;

/// <summary>
/// Writes a write-behind batch in one round trip: each kind of change is one multi-row statement over
/// <c>unnest(...)</c> arrays (partial contents, final message states, ended turns with their approvals, heartbeats),
/// however many turns it covers. Rows are locked in the order every other writer of several tables uses (turns, then
/// messages, then approvals; see <c>PostgresTurnStore.InterruptWhereAsync</c>), and a batch that still loses a
/// deadlock (or a serialization conflict) is written again: it only sets values, so writing it twice is harmless, and
/// failing it would fail the answers whose final state it carries. It waits a moment first, longer each time: the
/// winner needs to be scheduled to take the row the loser let go, and a retry sent at once can take that row back
/// before it does (a row whose last locker aborted is free to whoever comes first), which makes the same cycle and
/// loses again — on a loaded machine, every time. A batch that fails for a passing reason all the same (a lost
/// connection, a restart, every attempt lost) is reported as <see cref="BusyException"/>: the persister keeps what it
/// carries and writes it with its next batch.
/// </summary>
public sealed class PostgresTurnProgressStore(MaestroDatabase database) : ITurnProgressStore
{
    private const int Attempts = 5;

    public async Task<IReadOnlyCollection<Guid>> WriteAsync(TurnProgressBatch batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteOnceAsync(batch, cancellationToken);
            }
            catch (PostgresException ex) when (attempt < Attempts &&
                ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The other transaction goes ahead; this one was rolled back whole, so nothing of it is half-written.
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
            catch (NpgsqlException ex) when (Passing(ex) && !cancellationToken.IsCancellationRequested)
            {
                // A lost connection, a database restarting, a deadlock lost every time: the same batch will work later,
                // and the persister keeps what it carries for its next batch rather than failing the answers in it.
                throw new BusyException($"The database did not take the running turns' progress: {ex.Message}", TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task<IReadOnlyCollection<Guid>> WriteOnceAsync(TurnProgressBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlBatch(connection);
        if (batch.Ends.Count > 0)
        {
            var ends = new NpgsqlBatchCommand("""
                UPDATE turns t SET status = v.status, rounds = v.rounds, usage = v.usage, error = v.error, finished_at = $6, heartbeat_at = $6
                FROM unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[], $5::text[]) AS v(id, status, rounds, usage, error)
                WHERE t.id = v.id
                """);
            ends.Parameters.Add(Array(batch.Ends.Select(e => e.TurnId), NpgsqlDbType.Uuid));
            ends.Parameters.Add(Array(batch.Ends.Select(e => e.Status.ToWire()), NpgsqlDbType.Text));
            ends.Parameters.Add(Array(batch.Ends.Select(e => e.Rounds), NpgsqlDbType.Integer));
            ends.Parameters.Add(Array(batch.Ends.Select(e => SessionJson.SerializeUsage(e.Usage)), NpgsqlDbType.Jsonb));
            ends.Parameters.Add(Array(batch.Ends.Select(e => e.Error), NpgsqlDbType.Text));
            ends.Parameters.Add(new NpgsqlParameter { Value = batch.At });
            command.BatchCommands.Add(ends);
        }

        if (batch.Beats.Count > 0)
        {
            var beat = new NpgsqlBatchCommand("""
                UPDATE turns t SET heartbeat_at = $3, rounds = v.rounds
                FROM unnest($1::uuid[], $2::int[]) AS v(id, rounds)
                WHERE t.id = v.id AND t.status = 'running'
                RETURNING t.id, t.cancel_requested
                """);
            beat.Parameters.Add(Array(batch.Beats.Select(b => b.TurnId), NpgsqlDbType.Uuid));
            beat.Parameters.Add(Array(batch.Beats.Select(b => b.Rounds), NpgsqlDbType.Integer));
            beat.Parameters.Add(new NpgsqlParameter { Value = batch.At });
            command.BatchCommands.Add(beat);
        }

        if (batch.Snapshots.Count > 0)
        {
            // Partial saves never touch a message that already has its final state.
            var snapshot = new NpgsqlBatchCommand("""
                UPDATE messages m SET content = v.content, updated_at = $3
                FROM unnest($1::uuid[], $2::jsonb[]) AS v(id, content)
                WHERE m.id = v.id AND m.status = 'streaming'
                """);
            snapshot.Parameters.Add(Array(batch.Snapshots.Select(s => s.MessageId), NpgsqlDbType.Uuid));
            snapshot.Parameters.Add(Array(batch.Snapshots.Select(s => SessionJson.SerializeContents(s.Update.Contents!)), NpgsqlDbType.Jsonb));
            snapshot.Parameters.Add(new NpgsqlParameter { Value = batch.At });
            command.BatchCommands.Add(snapshot);
        }

        if (batch.Finals.Count > 0)
        {
            var finals = new NpgsqlBatchCommand("""
                UPDATE messages m SET
                    content = coalesce(v.content, m.content),
                    search = CASE WHEN v.content IS NULL THEN m.search ELSE to_tsvector('simple', v.search) END,
                    status = coalesce(v.status, m.status),
                    usage = coalesce(v.usage, m.usage),
                    latency_ms = coalesce(v.latency_ms, m.latency_ms),
                    first_token_ms = coalesce(v.first_token_ms, m.first_token_ms),
                    error = coalesce(v.error, m.error),
                    updated_at = $9
                FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::int[], $8::text[])
                    AS v(id, content, search, status, usage, latency_ms, first_token_ms, error)
                WHERE m.id = v.id
                """);
            var updates = batch.Finals;
            finals.Parameters.Add(Array(updates.Select(f => f.MessageId), NpgsqlDbType.Uuid));
            finals.Parameters.Add(Array(updates.Select(f => f.Update.Contents is { } c ? SessionJson.SerializeContents(c) : null), NpgsqlDbType.Jsonb));
            finals.Parameters.Add(Array(updates.Select(f => f.Update.Contents is { } c ? PostgresConversationStore.SearchText(c) : null), NpgsqlDbType.Text));
            finals.Parameters.Add(Array(updates.Select(f => f.Update.Status?.ToWire()), NpgsqlDbType.Text));
            finals.Parameters.Add(Array(updates.Select(f => SessionJson.SerializeUsage(f.Update.Usage)), NpgsqlDbType.Jsonb));
            finals.Parameters.Add(Array(updates.Select(f => f.Update.LatencyMs), NpgsqlDbType.Integer));
            finals.Parameters.Add(Array(updates.Select(f => f.Update.FirstTokenMs), NpgsqlDbType.Integer));
            finals.Parameters.Add(Array(updates.Select(f => f.Update.Error), NpgsqlDbType.Text));
            finals.Parameters.Add(new NpgsqlParameter { Value = batch.At });
            command.BatchCommands.Add(finals);
        }

        if (batch.Ends.Count > 0)
        {
            var approvals = new NpgsqlBatchCommand("UPDATE approvals SET status = 'expired', decided_at = $2 WHERE turn_id = ANY($1) AND status = 'pending'");
            approvals.Parameters.Add(Array(batch.Ends.Select(e => e.TurnId), NpgsqlDbType.Uuid));
            approvals.Parameters.Add(new NpgsqlParameter { Value = batch.At });
            command.BatchCommands.Add(approvals);
        }

        // Only the heartbeat statement returns rows.
        var stopRequested = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(1))
                {
                    stopRequested.Add(reader.GetGuid(0));
                }
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return stopRequested;
    }

    /// <summary>
    /// A failure the same batch would not meet later: Npgsql's own judgement (lost connections, resources, serialization
    /// conflicts), plus what it leaves out across versions, a lost deadlock and a server shutting down or starting.
    /// </summary>
    private static bool Passing(NpgsqlException ex) => ex.IsTransient || ex is PostgresException
    {
        SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow,
    };

    /// <summary>20–40 ms after the first loss, doubling each time (at most ~0.6 s in all); random so that two losers part.</summary>
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds((20 << (attempt - 1)) * (1 + Random.Shared.NextDouble()));

    private static NpgsqlParameter Array<T>(IEnumerable<T> values, NpgsqlDbType type) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };
}
