using Maestro.Core.Errors;
using Maestro.Data;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Gateway.Keys;

internal sealed class PostgresGatewayKeyStore(MaestroDatabase database, TimeProvider time) : IGatewayKeyStore
{
    private const string Select = """
        SELECT k.id, k.name, k.key_hint, k.restricted, k.budget_usd, k.rpm, k.tpm, k.created_at, k.revoked_at, k.last_used_at, k.key_hash,
               coalesce(array_agg(r.name ORDER BY kr.position) FILTER (WHERE r.name IS NOT NULL), '{}')
        FROM gateway_keys k
        LEFT JOIN gateway_key_routes kr ON kr.key_id = k.id
        LEFT JOIN gateway_routes r ON r.id = kr.route_id
        """;

    public async Task<IReadOnlyList<(GatewayKey Key, byte[] Hash)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Select + " GROUP BY k.id ORDER BY k.name", connection);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<GatewayKey> CreateAsync(NewGatewayKey key, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO gateway_keys (id, name, key_hash, key_hint, restricted, budget_usd, rpm, tpm, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue(key.Name);
                insert.Parameters.AddWithValue(key.Hash);
                insert.Parameters.AddWithValue(key.Hint);
                insert.Parameters.AddWithValue(key.RouteIds.Count > 0);
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)key.BudgetUsd ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Rpm ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Tpm ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
                insert.Parameters.AddWithValue(time.GetUtcNow());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            for (var i = 0; i < key.RouteIds.Count; i++)
            {
                await using var link = new NpgsqlCommand("INSERT INTO gateway_key_routes (key_id, route_id, position) VALUES ($1, $2, $3)", connection, transaction);
                link.Parameters.AddWithValue(id);
                link.Parameters.AddWithValue(key.RouteIds[i]);
                link.Parameters.AddWithValue(i);
                await link.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "gateway_keys_name_key")
        {
            throw new ConflictException($"A key named '{key.Name}' exists.", "name", "Choose another name, or revoke the old key first (names stay taken by revoked keys).");
        }

        await using var read = new NpgsqlCommand(Select + " WHERE k.id = $1 GROUP BY k.id", connection);
        read.Parameters.AddWithValue(id);
        return (await ReadAsync(read, cancellationToken))[0].Key;
    }

    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var revoke = new NpgsqlCommand("UPDATE gateway_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL RETURNING id", connection);
        revoke.Parameters.AddWithValue(name);
        revoke.Parameters.AddWithValue(time.GetUtcNow());
        if (await revoke.ExecuteScalarAsync(cancellationToken) is not Guid id)
        {
            return false;
        }

        // A revoked key keeps no routes, so the routes it was limited to can be deleted.
        await using var unlink = new NpgsqlCommand("DELETE FROM gateway_key_routes WHERE key_id = $1", connection);
        unlink.Parameters.AddWithValue(id);
        await unlink.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public async Task TouchAsync(IReadOnlyCollection<(Guid KeyId, DateTimeOffset At)> used, CancellationToken cancellationToken)
    {
        if (used.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE gateway_keys k SET last_used_at = greatest(k.last_used_at, u.at)
            FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id
            """, connection);
        command.Parameters.AddWithValue(used.Select(u => u.KeyId).ToArray());
        command.Parameters.AddWithValue(used.Select(u => u.At).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<(GatewayKey Key, byte[] Hash)>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<(GatewayKey, byte[])>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add((new GatewayKey(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetBoolean(3),
                reader.GetFieldValue<string[]>(11),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)), reader.GetFieldValue<byte[]>(10)));
        }

        return keys;
    }
}
