using Maestro.Core.Errors;
using Maestro.Core.Prompts;
using Maestro.Core.Sessions;
using Maestro.Data.Batching;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Prompts;

public sealed class PostgresPromptStore(MaestroDatabase database, TimeProvider time) : IPromptStore
{
    private GroupedRoundTrip<IReadOnlyList<PromptRef>, IReadOnlyList<string?>>? _stacks;

    // Every turn reads its session's stack: the turns that start together share one round trip.
    private GroupedRoundTrip<IReadOnlyList<PromptRef>, IReadOnlyList<string?>> Stacks =>
        LazyInitializer.EnsureInitialized(ref _stacks, () => new(database, new StackReads()));

    private const string Select = """
        SELECT p.id, p.name, p.kind, p.description, v.version, v.content, p.created_at, p.updated_at
        FROM prompts p JOIN LATERAL (SELECT version, content FROM prompt_versions WHERE prompt_id = p.id ORDER BY version DESC LIMIT 1) v ON true
        """;

    public async Task<IReadOnlyList<Prompt>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Select} ORDER BY p.kind, p.name", connection);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<Prompt?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Select} WHERE p.name = $1", connection);
        command.Parameters.AddWithValue(name);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<Prompt?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Select} WHERE p.id = $1", connection);
        command.Parameters.AddWithValue(id);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<PromptVersion>> VersionsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT prompt_id, version, content, created_at FROM prompt_versions WHERE prompt_id = $1 ORDER BY version", connection);
        command.Parameters.AddWithValue(id);
        var result = new List<PromptVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new PromptVersion(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return result;
    }

    public async Task<IReadOnlyList<string?>> ContentsAsync(IReadOnlyList<PromptRef> stack, CancellationToken cancellationToken) =>
        stack.Count == 0 ? [] : await Stacks.RunAsync(stack, cancellationToken);

    public async Task<Prompt> CreateAsync(string name, PromptKind kind, string? description, string content, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        // The connection goes back to the pool before the re-read takes one: never hold one while waiting for another.
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await using (var insert = new NpgsqlCommand(
                    "INSERT INTO prompts (id, name, kind, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)", connection, transaction))
                {
                    insert.Parameters.AddWithValue(id);
                    insert.Parameters.AddWithValue(name);
                    insert.Parameters.AddWithValue(kind == PromptKind.Persona ? "persona" : "system");
                    insert.Parameters.Add(new NpgsqlParameter { Value = (object?)description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    insert.Parameters.AddWithValue(now);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                await InsertVersionAsync(connection, transaction, id, 1, content, now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException($"A prompt named '{name}' already exists.", "name", "Edit it to add a version, or choose another name.");
            }
        }

        return (await GetAsync(id, cancellationToken))!;
    }

    public async Task<Prompt> AddVersionAsync(Guid id, string content, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await AddVersionAsync(connection, id, content, now, cancellationToken);
        }

        return (await GetAsync(id, cancellationToken))!;
    }

    private static async Task AddVersionAsync(NpgsqlConnection connection, Guid id, string content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int next;
        // Locking the prompt row serialises concurrent edits, so each gets its own version number.
        await using (var max = new NpgsqlCommand(
            "SELECT (SELECT coalesce(max(version), 0) + 1 FROM prompt_versions WHERE prompt_id = $1) FROM prompts WHERE id = $1 FOR UPDATE",
            connection, transaction))
        {
            max.Parameters.AddWithValue(id);
            next = await max.ExecuteScalarAsync(cancellationToken) is int n ? n : throw new NotFoundException($"Prompt {id} does not exist.");
        }

        await InsertVersionAsync(connection, transaction, id, next, content, now, cancellationToken);
        await using (var touch = new NpgsqlCommand("UPDATE prompts SET updated_at = $2 WHERE id = $1", connection, transaction))
        {
            touch.Parameters.AddWithValue(id);
            touch.Parameters.AddWithValue(now);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM prompts WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, int version, string content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO prompt_versions (prompt_id, version, content, created_at) VALUES ($1, $2, $3, $4)", connection, transaction);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(version);
        command.Parameters.AddWithValue(content);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<Prompt>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<Prompt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new Prompt(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2) == "persona" ? PromptKind.Persona : PromptKind.System,
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return result;
    }

    /// <summary>A stack's texts as one statement: a row per reference, in the stack's order.</summary>
    private sealed class StackReads : IGroupedStatements<IReadOnlyList<PromptRef>, IReadOnlyList<string?>>
    {
        private const string Query = """
            SELECT (SELECT content FROM prompt_versions
                    WHERE prompt_id = s.id AND (s.version IS NULL OR version = s.version) ORDER BY version DESC LIMIT 1)
            FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS s(id, version, ord) ORDER BY s.ord
            """;

        public void Add(NpgsqlBatch batch, IReadOnlyList<PromptRef> stack)
        {
            var ids = new Guid[stack.Count];
            var versions = new int?[stack.Count];
            for (var i = 0; i < stack.Count; i++)
            {
                ids[i] = stack[i].PromptId;
                versions[i] = stack[i].Version;
            }

            var command = new NpgsqlBatchCommand(Query);
            command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            batch.BatchCommands.Add(command);
        }

        public async Task<IReadOnlyList<string?>> ReadAsync(NpgsqlDataReader reader, IReadOnlyList<PromptRef> stack, CancellationToken cancellationToken)
        {
            var texts = new List<string?>(stack.Count);
            while (await reader.ReadAsync(cancellationToken))
            {
                texts.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
            }

            await reader.NextResultAsync(cancellationToken);
            return texts;
        }
    }
}
