using Maestro.Core.Settings;
using Maestro.Data.Batching;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Settings;

/// <summary>
/// The <c>settings</c> table: one JSON document per key. Every session create reads the session defaults, so reads that
/// arrive together share one round trip instead of being cached (a cache would not see another process's change).
/// </summary>
public sealed class PostgresSettingsStore(MaestroDatabase database) : ISettingsStore
{
    private GroupedRoundTrip<string, string?>? _reads;

    // Made on first use: a field initializer cannot share the primary constructor's parameters with the methods.
    private GroupedRoundTrip<string, string?> Reads => LazyInitializer.EnsureInitialized(ref _reads, () => new(database, new SettingReads()));

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) => Reads.RunAsync(key, cancellationToken);

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

    private sealed class SettingReads : IGroupedStatements<string, string?>
    {
        public void Add(NpgsqlBatch batch, string key)
        {
            var command = new NpgsqlBatchCommand("SELECT value::text FROM settings WHERE key = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            batch.BatchCommands.Add(command);
        }

        public async Task<string?> ReadAsync(NpgsqlDataReader reader, string key, CancellationToken cancellationToken)
        {
            var value = await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : null;
            await reader.NextResultAsync(cancellationToken);
            return value;
        }
    }
}
