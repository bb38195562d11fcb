using Maestro.Core.Auths;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Maestro.Core.Turns;
using Maestro.Data.Auths;
using Maestro.Data.Batching;
using Maestro.Data.Conversations;
using Maestro.Data.Sessions;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Turns;

/// <summary>
/// A turn start in two round trips. The read is one batch of three queries (session, its auth, its running turn); the
/// write is one batch of statements in one implicit transaction (thread if new, turn, user message), so a start that
/// fails — a turn already running, the session deleted — leaves nothing behind. Starts that arrive together share both:
/// one read and one write (one commit) for all of them (<see cref="GroupedRoundTrip{TRequest, TResult}"/>).
/// </summary>
public sealed class PostgresTurnStarts(MaestroDatabase database, PostgresAuthStore auths, TimeProvider time) : ITurnStartStore
{
    // The session by name first, else by id (a name may look like an id; the name wins, as everywhere else).
    private const string TargetQuery = "SELECT id, auth_id FROM sessions WHERE name = $1 OR id = $2 ORDER BY name = $1 DESC LIMIT 1";

    private readonly GroupedRoundTrip<Target, Loaded> _loads = new(database, new Loads(auths));
    private readonly GroupedRoundTrip<TurnBegin, BegunTurn> _begins = new(database, new Begins(time));

    public Task<TurnStartState?> LoadAsync(string nameOrId, CancellationToken cancellationToken) =>
        LoadAsync(new Target(nameOrId, Guid.TryParse(nameOrId, out var id) ? id : null), cancellationToken);

    public Task<TurnStartState?> LoadAsync(Guid sessionId, CancellationToken cancellationToken) =>
        LoadAsync(new Target(null, sessionId), cancellationToken);

    public Task<BegunTurn> BeginAsync(TurnBegin begin, CancellationToken cancellationToken) => _begins.RunAsync(begin, cancellationToken);

    private async Task<TurnStartState?> LoadAsync(Target target, CancellationToken cancellationToken)
    {
        var loaded = await _loads.RunAsync(target, cancellationToken);
        return loaded.Error is { } error ? throw error : loaded.State;
    }

    /// <summary>A turn's start as statements that each return rows (see <see cref="IGroupedStatements{TRequest, TResult}"/>).</summary>
    private sealed class Begins(TimeProvider time) : IGroupedStatements<TurnBegin, BegunTurn>
    {
        public void Add(NpgsqlBatch batch, TurnBegin begin)
        {
            var ids = new Ids(begin.ThreadId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), time.GetUtcNow());
            if (begin.ThreadId is null)
            {
                batch.BatchCommands.Add(Command(
                    "INSERT INTO threads (id, session_id, created_at) VALUES ($1, $2, $3) RETURNING id", ids.Thread, begin.SessionId, ids.Now));
                batch.BatchCommands.Add(Command(
                    "UPDATE sessions SET current_thread_id = $1, updated_at = $3 WHERE id = $2 RETURNING id", ids.Thread, begin.SessionId, ids.Now));
            }

            batch.BatchCommands.Add(Command($"""
                INSERT INTO turns (id, session_id, thread_id, status, owner, heartbeat_at, started_at)
                VALUES ($1, $2, $3, 'running', $4, $5, $5) RETURNING {PostgresTurnStore.Columns}
                """, ids.Turn, begin.SessionId, ids.Thread, begin.Owner, ids.Now));
            if (begin.UserContents is { } contents)
            {
                var insert = Command($"""
                    INSERT INTO messages (id, thread_id, seq, role, content, status, turn_id, search, created_at, updated_at)
                    VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE thread_id = $2), 'user', $3, 'complete', $4,
                            to_tsvector('simple', $5), $6, $6)
                    RETURNING {PostgresConversationStore.Columns}
                    """, ids.Message, ids.Thread);
                insert.Parameters.Add(new NpgsqlParameter { Value = SessionJson.SerializeContents(contents), NpgsqlDbType = NpgsqlDbType.Jsonb });
                insert.Parameters.Add(new NpgsqlParameter { Value = ids.Turn });
                insert.Parameters.Add(new NpgsqlParameter { Value = PostgresConversationStore.SearchText(contents) });
                insert.Parameters.Add(new NpgsqlParameter { Value = ids.Now });
                batch.BatchCommands.Add(insert);
            }

            if (begin.ThreadId is not null)
            {
                // After the insert, in its transaction: the thread as the first round will see it. A new thread holds
                // only the message just written, so it needs no query.
                batch.BatchCommands.Add(Command(ThreadQuery, ids.Thread));
            }
        }

        public async Task<BegunTurn> ReadAsync(NpgsqlDataReader reader, TurnBegin begin, CancellationToken cancellationToken)
        {
            if (begin.ThreadId is null)
            {
                // The new thread and the session pointing at it.
                await reader.NextResultAsync(cancellationToken);
                await reader.NextResultAsync(cancellationToken);
            }

            var turn = await GroupedResults.SingleAsync(reader, PostgresTurnStore.ReadTurn, "turn", cancellationToken);
            ConversationMessage? message = null;
            if (begin.UserContents is not null)
            {
                message = await reader.ReadAsync(cancellationToken) ? PostgresConversationStore.ReadMessage(reader) : null;
                await reader.NextResultAsync(cancellationToken);
            }

            // A row that cannot be read leaves the thread to the first round's own read, which reports it.
            var thread = begin.ThreadId is null
                ? (message is null ? [] : [message])
                : await PostgresConversationStore.ReadPageAsync(reader, cancellationToken) is { Error: null } page ? page.Messages : null;
            return new BegunTurn(turn, turn.ThreadId, message, thread);
        }

        public Exception? Explain(PostgresException failure, TurnBegin begin) => failure switch
        {
            { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "turns_one_running_per_session" } => new ConflictException(
                "A turn is already running in this session.", "session",
                "Wait for it to finish, or stop it first (/stop, `maestro session stop`, or the Stop button)."),
            { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new NotFoundException("That session no longer exists (it was deleted meanwhile)."),
            _ => null,
        };

        private const string ThreadQuery = $"SELECT {PostgresConversationStore.Columns} FROM messages WHERE thread_id = $1 ORDER BY seq";

        private sealed record Ids(Guid Thread, Guid Turn, Guid Message, DateTimeOffset Now);
    }

    /// <summary>The start's read: three queries that each return rows, shared with the other starts of the moment.</summary>
    private sealed class Loads(PostgresAuthStore auths) : IGroupedStatements<Target, Loaded>
    {
        // Constants, composed by the compiler: a thousand starts at once no longer built each text a thousand times.
        private const string SessionQuery = $"WITH target AS ({TargetQuery}) SELECT {PostgresSessionStore.Columns} " +
            "FROM sessions s LEFT JOIN auths a ON a.id = s.auth_id WHERE s.id = (SELECT id FROM target)";

        private const string AuthQuery = $"WITH target AS ({TargetQuery}) SELECT {PostgresAuthStore.Columns} FROM auths WHERE id = (SELECT auth_id FROM target)";

        private const string RunningQuery = $"WITH target AS ({TargetQuery}) SELECT {PostgresTurnStore.Columns} " +
            "FROM turns WHERE session_id = (SELECT id FROM target) AND status = 'running'";

        public void Add(NpgsqlBatch batch, Target target)
        {
            batch.BatchCommands.Add(Load(SessionQuery, target));
            batch.BatchCommands.Add(Load(AuthQuery, target));
            batch.BatchCommands.Add(Load(RunningQuery, target));
        }

        public async Task<Loaded> ReadAsync(NpgsqlDataReader reader, Target target, CancellationToken cancellationToken)
        {
            var session = await reader.ReadAsync(cancellationToken) ? PostgresSessionStore.ReadSession(reader) : null;
            await reader.NextResultAsync(cancellationToken);
            StoredAuth? auth = null;
            SecretKeyException? error = null;
            if (await reader.ReadAsync(cancellationToken))
            {
                try
                {
                    auth = auths.ReadStored(reader);
                }
                catch (SecretKeyException ex)
                {
                    // This start's alone: the others of the batch read other auths.
                    error = ex;
                }
            }

            await reader.NextResultAsync(cancellationToken);
            TurnRecord? running = await reader.ReadAsync(cancellationToken) ? PostgresTurnStore.ReadTurn(reader) : null;
            await reader.NextResultAsync(cancellationToken);
            return new Loaded(session is null ? null : new TurnStartState(session, auth, running), error);
        }
    }

    /// <summary>The session a start names: by name first, else by id.</summary>
    private sealed record Target(string? Name, Guid? Id);

    /// <summary>What the read found, or why the session's auth could not be read.</summary>
    private sealed record Loaded(TurnStartState? State, SecretKeyException? Error);

    private static NpgsqlBatchCommand Load(string sql, Target target)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)target.Name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)target.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
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
