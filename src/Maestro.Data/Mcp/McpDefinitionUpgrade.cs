using System.Text.Json;
using Maestro.Core.Secrets;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Mcp;

/// <summary>
/// Moves MCP servers written before migration 6 — command, args and URL in plaintext columns — into the encrypted
/// definition, at startup (SQL cannot encrypt). Then the table is rewritten (VACUUM FULL) so the old plaintext leaves
/// its files; WAL segments and backups made before still hold it, as README says (MCP servers). Several instances
/// may run this at once: each row is moved only while its columns are still filled.
/// </summary>
internal static class McpDefinitionUpgrade
{
    private const string Legacy = "(command IS NOT NULL OR url IS NOT NULL OR args <> '[]'::jsonb)";

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, ISecretProtector secrets, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = new List<(Guid Id, string Name, string? Command, List<string> Args, string? Url, byte[] Secrets)>();
        await using (var read = new NpgsqlCommand($"SELECT id, name, command, args, url, secrets FROM mcp_servers WHERE {Legacy}", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    JsonSerializer.Deserialize(reader.GetString(3), McpJsonContext.Default.ListString) ?? [],
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<byte[]>(5)));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        var moved = 0;
        string xid;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var row in rows)
            {
                var stored = McpDefinitionCodec.Decrypt(secrets, row.Secrets, row.Id, row.Name);
                await using var update = new NpgsqlCommand($"""
                    UPDATE mcp_servers SET command = NULL, args = '[]'::jsonb, url = NULL, secrets = $2, key_id = $3
                    WHERE id = $1 AND {Legacy}
                    """, connection, transaction);
                update.Parameters.AddWithValue(row.Id);
                update.Parameters.Add(new NpgsqlParameter
                {
                    Value = McpDefinitionCodec.Encrypt(secrets, row.Id, row.Command, row.Args, row.Url, stored.Env ?? [], stored.Headers ?? []),
                    NpgsqlDbType = NpgsqlDbType.Bytea,
                });
                update.Parameters.AddWithValue(secrets.CurrentKeyId);
                moved += await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var current = new NpgsqlCommand("SELECT pg_current_xact_id()::text", connection, transaction);
            xid = (string)(await current.ExecuteScalarAsync(cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
        }

        try
        {
            // Updated rows leave their old versions in the table's pages until it is rewritten, and a rewrite keeps
            // the versions that a transaction older than the update may still read (one with an older snapshot, or one
            // that holds an older transaction id between statements): wait (briefly) for those to end. In every
            // database of the cluster: a transaction id is the cluster's, so one still running in another database
            // holds back the horizon of every snapshot taken here meanwhile, the rewrite's own included.
            await WaitForOlderSnapshotsAsync(connection, xid, cancellationToken);
            await using var vacuum = new NpgsqlCommand("VACUUM FULL mcp_servers", connection);
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            logger.LogWarning("Rewriting mcp_servers after encrypting its definitions failed ({Message}); run VACUUM FULL mcp_servers as its owner.", ex.MessageText);
        }

        logger.LogInformation("Encrypted the command, arguments and URL of {Count} MCP server(s) at rest.", moved);
        return moved;
    }

    private static async Task WaitForOlderSnapshotsAsync(NpgsqlConnection connection, string xid, CancellationToken cancellationToken)
    {
        await using var older = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND backend_type <> 'autovacuum worker'
              AND (age(backend_xmin) >= age(xid($1::xid8)) OR age(backend_xid) >= age(xid($1::xid8)))
            """, connection);
        older.Parameters.AddWithValue(xid);
        for (var attempt = 0; attempt < 100 && (long)(await older.ExecuteScalarAsync(cancellationToken))! > 0; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
