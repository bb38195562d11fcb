using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Core.Secrets;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Mcp;

/// <summary>
/// MCP servers in PostgreSQL. The definition — command, args, URL, env and headers — is one ciphertext
/// (<see cref="McpDefinitionCodec"/>); only the name, transport, working directory and state are plain columns.
/// </summary>
public sealed class PostgresMcpServerStore(MaestroDatabase database, ISecretProtector secrets, TimeProvider time) : IMcpServerStore
{
    private const string Columns =
        "id, name, transport, command, args, working_directory, url, secrets, enabled, version, created_at, updated_at";

    public async Task<IReadOnlyList<McpServer>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM mcp_servers ORDER BY name", connection);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<McpServer?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM mcp_servers WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<McpServer?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM mcp_servers WHERE name = $1", connection);
        command.Parameters.AddWithValue(name);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<McpServer> CreateAsync(McpServer server, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO mcp_servers (id, name, transport, command, args, working_directory, url, secrets, key_id, enabled, version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
            RETURNING {Columns}
            """, connection);
        AddColumns(command, server);
        command.Parameters.AddWithValue(now);
        try
        {
            return (await ReadAllAsync(command, cancellationToken))[0];
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Taken(server.Name);
        }
    }

    public async Task<McpServer> UpdateAsync(McpServer server, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE mcp_servers SET name = $2, transport = $3, command = $4, args = $5, working_directory = $6, url = $7,
                secrets = $8, key_id = $9, enabled = $10, version = version + 1, updated_at = $11
            WHERE id = $1
            RETURNING {Columns}
            """, connection);
        AddColumns(command, server);
        command.Parameters.AddWithValue(time.GetUtcNow());
        try
        {
            return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault()
                ?? throw new NotFoundException($"The MCP server '{server.Name}' no longer exists (it was deleted meanwhile).");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Taken(server.Name);
        }
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Sessions keep the ids as a jsonb array of strings; "-" removes every element equal to the text.
        await using (var detach = new NpgsqlCommand(
            "UPDATE sessions SET mcp_server_ids = mcp_server_ids - $1::text WHERE mcp_server_ids ? $1::text", connection, transaction))
        {
            detach.Parameters.AddWithValue(id.ToString("D"));
            await detach.ExecuteNonQueryAsync(cancellationToken);
        }

        int deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM mcp_servers WHERE id = $1", connection, transaction))
        {
            delete.Parameters.AddWithValue(id);
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    private void AddColumns(NpgsqlCommand command, McpServer s)
    {
        command.Parameters.AddWithValue(s.Id);
        command.Parameters.AddWithValue(s.Name);
        command.Parameters.AddWithValue(s.Transport.ToWire());
        // command, args and url: never written in plaintext (they are in the ciphertext).
        command.Parameters.Add(Text(null));
        command.Parameters.Add(new NpgsqlParameter { Value = "[]", NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(Text(s.WorkingDirectory));
        command.Parameters.Add(Text(null));
        command.Parameters.AddWithValue(McpDefinitionCodec.Encrypt(secrets, s.Id, s.Command, s.Args, s.Url, s.Env, s.Headers));
        command.Parameters.AddWithValue(secrets.CurrentKeyId);
        command.Parameters.AddWithValue(s.Enabled);
    }

    private async Task<List<McpServer>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<McpServer>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            var name = reader.GetString(1);
            var stored = McpDefinitionCodec.Decrypt(secrets, reader.GetFieldValue<byte[]>(7), id, name);
            // A row not yet moved by McpDefinitionUpgrade (another instance migrated the schema a moment ago).
            var whole = McpDefinitionCodec.IsWhole(stored);

            result.Add(new McpServer(
                Id: id,
                Name: name,
                Transport: McpTransportNames.TryParse(reader.GetString(2)) ?? throw new InvalidOperationException($"Unknown MCP transport in the database: {reader.GetString(2)}"),
                Command: whole ? stored.Command : reader.IsDBNull(3) ? null : reader.GetString(3),
                Args: (whole ? stored.Args : JsonSerializer.Deserialize(reader.GetString(4), McpJsonContext.Default.ListString)) ?? [],
                Env: new Dictionary<string, string>(stored.Env ?? [], StringComparer.Ordinal),
                WorkingDirectory: reader.IsDBNull(5) ? null : reader.GetString(5),
                Url: whole ? stored.Url : reader.IsDBNull(6) ? null : reader.GetString(6),
                Headers: new Dictionary<string, string>(stored.Headers ?? [], StringComparer.OrdinalIgnoreCase),
                Enabled: reader.GetBoolean(8),
                Version: reader.GetInt32(9),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(10),
                UpdatedAt: reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return result;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static ConflictException Taken(string name) =>
        new($"An MCP server named '{name}' already exists.", "name", "Choose another name, or remove the existing one first.");
}
