using Maestro.Core.Settings;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Settings;

/// <summary>The <c>settings</c> table: one JSON document per key.</summary>
public sealed class PostgresSettingsStore(MaestroDatabase database) : ISettingsStore
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT value::text FROM settings WHERE key = $1", connection);
        command.Parameters.AddWithValue(key);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetAsync(string key, string json, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
            connection);
        command.Parameters.AddWithValue(key);
        command.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
