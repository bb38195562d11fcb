using Maestro.Core.Errors;
using Maestro.Core.Text;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Turns;

public sealed class PostgresTurnStore(MaestroDatabase database, TimeProvider time) : ITurnStore
{
    internal const string Columns = "id, session_id, thread_id, status, owner, rounds, usage, error, cancel_requested, started_at, finished_at, heartbeat_at";

    public async Task<TurnRecord> StartAsync(Guid sessionId, Guid threadId, string owner, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO turns (id, session_id, thread_id, status, owner, heartbeat_at, started_at)
                VALUES ($1, $2, $3, 'running', $4, $5, $5) RETURNING {Columns}
                """, connection);
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(sessionId);
            insert.Parameters.AddWithValue(threadId);
            insert.Parameters.AddWithValue(owner);
            insert.Parameters.AddWithValue(now);
            try
            {
                return (await ReadAsync(insert, cancellationToken))[0];
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && attempt == 0)
            {
                // Another turn holds the session. If its owner stopped beating (a crashed process), take over.
                if (await InterruptStaleAsync(staleAfter, TurnOwners.HostJudgedByProcess, cancellationToken) > 0)
                {
                    continue;
                }

                var running = await GetRunningAsync(sessionId, cancellationToken);
                throw new ConflictException(
                    $"A turn is already running in this session (started {running?.StartedAt.ToLocalTime():HH:mm:ss}).",
                    "session",
                    "Wait for it to finish, or stop it first (/stop, `maestro session stop`, or the Stop button).");
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException("A turn is already running in this session.", "session", "Wait for it to finish, or stop it first.");
            }
        }
    }

    public async Task<bool> HeartbeatAsync(Guid turnId, int rounds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE turns SET heartbeat_at = $2, rounds = $3 WHERE id = $1 RETURNING cancel_requested", connection);
        command.Parameters.AddWithValue(turnId);
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.AddWithValue(rounds);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task FinishAsync(Guid turnId, TurnStatus status, int rounds, UsageDetails? usage, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE turns SET status = $2, rounds = $3, usage = $4, error = $5, finished_at = $6, heartbeat_at = $6 WHERE id = $1", connection);
        command.Parameters.AddWithValue(turnId);
        command.Parameters.AddWithValue(status.ToWire());
        command.Parameters.AddWithValue(rounds);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)SessionJson.SerializeUsage(usage) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)StorableText.EscapeOrNull(error) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<TurnRecord?> GetAsync(Guid turnId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM turns WHERE id = $1", connection);
        command.Parameters.AddWithValue(turnId);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<TurnRecord?> GetRunningAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM turns WHERE session_id = $1 AND status = 'running'", connection);
        command.Parameters.AddWithValue(sessionId);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<bool> RequestCancelAsync(Guid turnId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE turns SET cancel_requested = true WHERE id = $1 AND status = 'running'", connection);
        command.Parameters.AddWithValue(turnId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<TurnRecord>> RunningAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM turns WHERE status = 'running'", connection);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<bool> InterruptAsync(Guid turnId, string reason, CancellationToken cancellationToken) =>
        await InterruptWhereAsync("id = $2", reason, cancellationToken, new NpgsqlParameter { Value = turnId }) > 0;

    public Task<int> InterruptStaleAsync(TimeSpan staleAfter, string? exceptHost, CancellationToken cancellationToken) =>
        InterruptWhereAsync(
            "heartbeat_at < $2 AND ($3::text IS NULL OR split_part(owner, ':', 1) <> $3)",
            "The process running this turn stopped before it finished.",
            cancellationToken,
            new NpgsqlParameter { Value = time.GetUtcNow() - staleAfter },
            new NpgsqlParameter { Value = (object?)exceptHost ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });

    /// <summary>Interrupts the running turns that match <paramref name="condition"/> (over $2… = <paramref name="values"/>; $1 is the reason).</summary>
    private async Task<int> InterruptWhereAsync(string condition, string reason, CancellationToken cancellationToken, params NpgsqlParameter[] values)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int count;
        await using (var turns = new NpgsqlCommand(
            $"UPDATE turns SET status = 'interrupted', finished_at = now(), error = $1 WHERE status = 'running' AND {condition}", connection, transaction))
        {
            turns.Parameters.AddWithValue(reason);
            turns.Parameters.AddRange(values);
            count = await turns.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var messages = new NpgsqlCommand("""
            UPDATE messages m SET status = 'interrupted', updated_at = now()
            WHERE m.status = 'streaming' AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.id = m.turn_id AND t.status = 'running')
            """, connection, transaction))
        {
            await messages.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var approvals = new NpgsqlCommand("""
            UPDATE approvals a SET status = 'expired', decided_at = now()
            WHERE a.status = 'pending' AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.id = a.turn_id AND t.status = 'running')
            """, connection, transaction))
        {
            await approvals.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    private static async Task<List<TurnRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<TurnRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadTurn(reader));
        }

        return result;
    }

    /// <summary>The turn at the reader's row, selected with <see cref="Columns"/>.</summary>
    internal static TurnRecord ReadTurn(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), TurnStatusNames.Parse(reader.GetString(3)), reader.GetString(4),
        reader.GetInt32(5), SessionJson.DeserializeUsage(reader.IsDBNull(6) ? null : reader.GetString(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetBoolean(8), reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11));
}
