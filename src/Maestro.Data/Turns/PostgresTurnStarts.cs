using Maestro.Core.Auths;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Turns;
using Maestro.Data.Auths;
using Maestro.Data.Conversations;
using Maestro.Data.Sessions;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Turns;

/// <summary>
/// A turn start in two round trips. The read is one batch of three queries (session, its auth, its running turn); the
/// write is one batch of statements in one implicit transaction (thread if new, turn, user message), so a start that
/// fails — a turn already running, the session deleted — leaves nothing behind.
/// </summary>
public sealed class PostgresTurnStarts(MaestroDatabase database, PostgresAuthStore auths, TimeProvider time) : ITurnStartStore
{
    // The session by name first, else by id (a name may look like an id; the name wins, as everywhere else).
    private const string Target = "SELECT id, auth_id FROM sessions WHERE name = $1 OR id = $2 ORDER BY name = $1 DESC LIMIT 1";

    public Task<TurnStartState?> LoadAsync(string nameOrId, CancellationToken cancellationToken) =>
        LoadAsync(nameOrId, Guid.TryParse(nameOrId, out var id) ? id : null, cancellationToken);

    public Task<TurnStartState?> LoadAsync(Guid sessionId, CancellationToken cancellationToken) =>
        LoadAsync(null, sessionId, cancellationToken);

    public async Task<BegunTurn> BeginAsync(TurnBegin begin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var threadId = begin.ThreadId ?? Guid.CreateVersion7();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        if (begin.ThreadId is null)
        {
            batch.BatchCommands.Add(Command(
                "INSERT INTO threads (id, session_id, created_at) VALUES ($1, $2, $3)", threadId, begin.SessionId, now));
            batch.BatchCommands.Add(Command(
                "UPDATE sessions SET current_thread_id = $1, updated_at = $3 WHERE id = $2", threadId, begin.SessionId, now));
        }

        var turnId = Guid.CreateVersion7();
        batch.BatchCommands.Add(Command($"""
            INSERT INTO turns (id, session_id, thread_id, status, owner, heartbeat_at, started_at)
            VALUES ($1, $2, $3, 'running', $4, $5, $5) RETURNING {PostgresTurnStore.Columns}
            """, turnId, begin.SessionId, threadId, begin.Owner, now));
        if (begin.UserContents is { } contents)
        {
            var insert = Command($"""
                INSERT INTO messages (id, thread_id, seq, role, content, status, turn_id, search, created_at, updated_at)
                VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE thread_id = $2), 'user', $3, 'complete', $4,
                        to_tsvector('simple', $5), $6, $6)
                RETURNING {PostgresConversationStore.Columns}
                """, Guid.CreateVersion7(), threadId);
            insert.Parameters.Add(new NpgsqlParameter { Value = SessionJson.SerializeContents(contents), NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new NpgsqlParameter { Value = turnId });
            insert.Parameters.Add(new NpgsqlParameter { Value = PostgresConversationStore.SearchText(contents) });
            insert.Parameters.Add(new NpgsqlParameter { Value = now });
            batch.BatchCommands.Add(insert);
        }

        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            TurnRecord? turn = null;
            ConversationMessage? message = null;
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (turn is null)
                    {
                        turn = PostgresTurnStore.ReadTurn(reader);
                    }
                    else
                    {
                        message = PostgresConversationStore.ReadMessage(reader);
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));

            return new BegunTurn(turn ?? throw new InvalidOperationException("The turn was not recorded."), threadId, message);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "turns_one_running_per_session")
        {
            throw new ConflictException(
                "A turn is already running in this session.", "session",
                "Wait for it to finish, or stop it first (/stop, `maestro session stop`, or the Stop button).");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new NotFoundException("That session no longer exists (it was deleted meanwhile).");
        }
    }

    private async Task<TurnStartState?> LoadAsync(string? name, Guid? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Load(
            $"SELECT {PostgresSessionStore.Columns} FROM sessions s LEFT JOIN auths a ON a.id = s.auth_id WHERE s.id = (SELECT id FROM target)",
            name, id));
        batch.BatchCommands.Add(Load($"SELECT {PostgresAuthStore.Columns} FROM auths WHERE id = (SELECT auth_id FROM target)", name, id));
        batch.BatchCommands.Add(Load(
            $"SELECT {PostgresTurnStore.Columns} FROM turns WHERE session_id = (SELECT id FROM target) AND status = 'running'", name, id));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var session = PostgresSessionStore.ReadSession(reader);
        await reader.NextResultAsync(cancellationToken);
        StoredAuth? auth = await reader.ReadAsync(cancellationToken) ? auths.ReadStored(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        TurnRecord? running = await reader.ReadAsync(cancellationToken) ? PostgresTurnStore.ReadTurn(reader) : null;
        return new TurnStartState(session, auth, running);
    }

    private static NpgsqlBatchCommand Load(string query, string? name, Guid? id)
    {
        var command = new NpgsqlBatchCommand($"WITH target AS ({Target}) {query}");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        return command;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
