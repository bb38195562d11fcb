using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Data.Batching;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Sessions;

/// <summary>The <c>sessions</c> table. Sessions created together are written together (<see cref="GroupedRoundTrip{TRequest, TResult}"/>).</summary>
public sealed class PostgresSessionStore(MaestroDatabase database, TimeProvider time) : ISessionStore
{
    internal const string Columns = """
        s.id, s.name, s.auth_id, a.provider, a.name, s.model, s.working_directory, s.enabled_tools, s.tool_policy,
        s.mcp_server_ids, s.prompt_stack, s.system_prompt, s.settings, s.current_thread_id, s.created_at, s.updated_at
        """;

    private const string Select = $"SELECT {Columns} FROM sessions s LEFT JOIN auths a ON a.id = s.auth_id";

    private GroupedRoundTrip<Session, Session>? _creates;

    // Made on first use: a field initializer cannot share the primary constructor's parameters with the methods.
    private GroupedRoundTrip<Session, Session> Creates => LazyInitializer.EnsureInitialized(ref _creates, () => new(database, new SessionInserts(time)));

    // $3: a LIKE pattern for the name or model; $4, $5: the auth's provider and name. Null parameters filter nothing.
    private const string FilterClause = """
        WHERE ($3::text IS NULL OR s.name ILIKE $3 OR s.model ILIKE $3)
          AND ($4::text IS NULL OR a.provider = $4)
          AND ($5::text IS NULL OR a.name = $5)
        """;

    private static void AddFilter(NpgsqlCommand command, SessionFilter filter)
    {
        string? provider = filter.Provider, name = null;
        if (filter.Auth is { } auth && auth.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash)
        {
            provider = auth[..slash];
            name = auth[(slash + 1)..];
        }

        command.Parameters.Add(new NpgsqlParameter { Value = filter.Search is { } search ? $"%{EscapeLike(search)}%" : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)provider ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }

    // LIKE's own characters in a search are literal (PostgreSQL's default escape is the backslash).
    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    public async Task<IReadOnlyList<Session>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Select} ORDER BY s.updated_at DESC", connection);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<(IReadOnlyList<Session> Sessions, int Total)> ListPageAsync(int offset, int limit, SessionFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns}, count(*) OVER () FROM sessions s LEFT JOIN auths a ON a.id = s.auth_id {FilterClause} ORDER BY s.updated_at DESC, s.id LIMIT $1 OFFSET $2",
            connection);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(offset);
        AddFilter(command, filter);
        var sessions = new List<Session>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(ReadSession(reader));
            total = (int)reader.GetInt64(16);
        }

        if (sessions.Count == 0 && offset > 0)
        {
            // Past the end: the window count is not there, so count on its own.
            await reader.DisposeAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*), $1::int, $2::int FROM sessions s LEFT JOIN auths a ON a.id = s.auth_id {FilterClause}", connection);
            count.Parameters.AddWithValue(limit);
            count.Parameters.AddWithValue(offset);
            AddFilter(count, filter);
            total = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        return (sessions, total);
    }

    public async Task<Session?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Select} WHERE s.id = $1", connection);
        command.Parameters.AddWithValue(id);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<Session?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Select} WHERE s.name = $1", connection);
        command.Parameters.AddWithValue(name);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public Task<Session> CreateAsync(Session session, CancellationToken cancellationToken) => Creates.RunAsync(session, cancellationToken);

    public async Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            WITH s AS (
                UPDATE sessions SET name = $2, auth_id = $3, model = $4, working_directory = $5, enabled_tools = $6, tool_policy = $7,
                    mcp_server_ids = $8, prompt_stack = $9, system_prompt = $10, settings = $11, current_thread_id = $12, updated_at = $13
                WHERE id = $1
                RETURNING *)
            SELECT {Columns} FROM s LEFT JOIN auths a ON a.id = s.auth_id
            """, connection);
        AddColumns(command, session);
        command.Parameters.AddWithValue(time.GetUtcNow());
        try
        {
            return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault()
                ?? throw new NotFoundException($"Session '{session.Name}' no longer exists.");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"A session named '{session.Name}' already exists.", "name", "Choose another name.");
        }
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM sessions WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task SetMcpServersAsync(Guid sessionId, IReadOnlyCollection<Guid> serverIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("UPDATE sessions SET mcp_server_ids = $2, updated_at = $3 WHERE id = $1", connection);
        command.Parameters.AddWithValue(sessionId);
        command.Parameters.Add(Jsonb(JsonSerializer.Serialize(serverIds, SessionJson.Options)));
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddColumns(NpgsqlCommand command, Session s) => AddColumns(command.Parameters, s);

    private static void AddColumns(NpgsqlParameterCollection parameters, Session s)
    {
        parameters.AddWithValue(s.Id);
        parameters.AddWithValue(s.Name);
        parameters.Add(new NpgsqlParameter { Value = (object?)s.AuthId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        parameters.AddWithValue(s.Model);
        parameters.Add(new NpgsqlParameter { Value = (object?)s.WorkingDirectory ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(Jsonb(s.EnabledTools is null ? null : JsonSerializer.Serialize(s.EnabledTools, SessionJson.Options)));
        parameters.Add(Jsonb(SessionJson.SerializePolicy(s.Policy)));
        parameters.Add(Jsonb(JsonSerializer.Serialize(s.McpServerIds, SessionJson.Options)));
        parameters.Add(Jsonb(JsonSerializer.Serialize(s.PromptStack, SessionJson.Options)));
        parameters.Add(new NpgsqlParameter { Value = (object?)s.SystemPrompt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(Jsonb(JsonSerializer.Serialize(s.Settings, SessionJson.Options)));
        parameters.Add(new NpgsqlParameter { Value = (object?)s.CurrentThreadId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
    }

    private static NpgsqlParameter Jsonb(string? json) =>
        new() { Value = (object?)json ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static async Task<List<Session>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<Session>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadSession(reader));
        }

        return result;
    }

    /// <summary>The session at the reader's row, selected with <see cref="Columns"/> (sessions s LEFT JOIN auths a).</summary>
    internal static Session ReadSession(NpgsqlDataReader reader) => new Session(
            Id: reader.GetGuid(0),
            Name: reader.GetString(1),
            AuthId: reader.IsDBNull(2) ? null : reader.GetGuid(2),
            Auth: reader.IsDBNull(3) ? null : new AuthRef(reader.GetString(3), reader.GetString(4)),
            Model: reader.GetString(5),
            WorkingDirectory: reader.IsDBNull(6) ? null : reader.GetString(6),
            EnabledTools: reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<List<string>>(reader.GetString(7), SessionJson.Options),
            Policy: SessionJson.DeserializePolicy(reader.GetString(8)),
            McpServerIds: JsonSerializer.Deserialize<List<Guid>>(reader.GetString(9), SessionJson.Options) ?? [],
            PromptStack: JsonSerializer.Deserialize<List<PromptRef>>(reader.GetString(10), SessionJson.Options) ?? [],
            SystemPrompt: reader.IsDBNull(11) ? null : reader.GetString(11),
            Settings: JsonSerializer.Deserialize<SessionSettings>(reader.GetString(12), SessionJson.Options) ?? new SessionSettings(),
            CurrentThreadId: reader.IsDBNull(13) ? null : reader.GetGuid(13),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(14),
            UpdatedAt: reader.GetFieldValue<DateTimeOffset>(15));

    /// <summary>A session's insert: one statement that returns the row with its auth's name.</summary>
    private sealed class SessionInserts(TimeProvider time) : IGroupedStatements<Session, Session>
    {
        public void Add(NpgsqlBatch batch, Session session)
        {
            var insert = new NpgsqlBatchCommand($"""
                WITH s AS (
                    INSERT INTO sessions (id, name, auth_id, model, working_directory, enabled_tools, tool_policy, mcp_server_ids,
                                          prompt_stack, system_prompt, settings, current_thread_id, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                    RETURNING *)
                SELECT {Columns} FROM s LEFT JOIN auths a ON a.id = s.auth_id
                """);
            AddColumns(insert.Parameters, session);
            insert.Parameters.AddWithValue(time.GetUtcNow());
            batch.BatchCommands.Add(insert);
        }

        public Task<Session> ReadAsync(NpgsqlDataReader reader, Session session, CancellationToken cancellationToken) =>
            GroupedResults.SingleAsync(reader, ReadSession, "session", cancellationToken);

        public Exception? Explain(PostgresException failure, Session session) => failure.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation => new ConflictException($"A session named '{session.Name}' already exists.", "name", "Choose another name."),
            PostgresErrorCodes.ForeignKeyViolation => new ValidationFailedException("auth", $"The auth {session.Auth} was deleted meanwhile; choose another one."),
            _ => null,
        };
    }
}
