using System.Text.Json;
using Maestro.Core.Quota;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Quota;

/// <summary>The auths' quota state in <c>auth_quota</c>: one row per auth, written in batches (one statement per batch).</summary>
public sealed class PostgresAuthQuotaStore(MaestroDatabase database) : IAuthQuotaStore
{
    private const string Columns = "auth_id, limited_until, last_kind, last_limited_at, last_detail, windows, updated_at";

    public async Task SaveAsync(IReadOnlyList<KeyValuePair<Guid, AuthLimitState>> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return;
        }

        var ids = new Guid[states.Count];
        var until = new DateTimeOffset?[states.Count];
        var kinds = new string?[states.Count];
        var limitedAt = new DateTimeOffset?[states.Count];
        var details = new string?[states.Count];
        var windows = new string[states.Count];
        var updated = new DateTimeOffset[states.Count];
        for (var i = 0; i < states.Count; i++)
        {
            var (id, state) = states[i];
            ids[i] = id;
            until[i] = state.LimitedUntil?.ToUniversalTime();
            kinds[i] = state.LastKind?.ToWire();
            limitedAt[i] = state.LastLimitedAt?.ToUniversalTime();
            details[i] = state.LastDetail;
            windows[i] = JsonSerializer.Serialize(state.Windows as List<QuotaWindow> ?? [.. state.Windows], DataJsonContext.Default.ListQuotaWindow);
            updated[i] = (state.UpdatedAt ?? DateTimeOffset.UtcNow).ToUniversalTime();
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // Only auths that still exist (one deleted meanwhile is skipped, not a failed batch), and never an older state
        // over a newer one written by another instance.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO auth_quota (auth_id, limited_until, last_kind, last_limited_at, last_detail, windows, updated_at, synced_at)
            SELECT u.auth_id, u.limited_until, u.last_kind, u.last_limited_at, u.last_detail, u.windows, u.updated_at, clock_timestamp()
            FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[], $7::timestamptz[])
                 AS u (auth_id, limited_until, last_kind, last_limited_at, last_detail, windows, updated_at)
            JOIN auths a ON a.id = u.auth_id
            ON CONFLICT (auth_id) DO UPDATE SET
                limited_until = EXCLUDED.limited_until, last_kind = EXCLUDED.last_kind, last_limited_at = EXCLUDED.last_limited_at,
                last_detail = EXCLUDED.last_detail, windows = EXCLUDED.windows, updated_at = EXCLUDED.updated_at,
                synced_at = clock_timestamp()
            WHERE auth_quota.updated_at <= EXCLUDED.updated_at
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = until, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limitedAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = details, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = windows, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = updated, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(IReadOnlyList<KeyValuePair<Guid, AuthLimitState>> States, DateTimeOffset ReadAt)> ChangedSinceAsync(
        DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // The clock first: a row written while the query runs is read now or next time, never missed.
        await using var clock = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        var readAt = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await clock.ExecuteScalarAsync(cancellationToken))!, DateTimeKind.Utc));
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM auth_quota WHERE $1::timestamptz IS NULL OR synced_at > $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)since ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var states = new List<KeyValuePair<Guid, AuthLimitState>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(new(reader.GetGuid(0), Read(reader)));
        }

        return (states, readAt);
    }

    public async Task<AuthLimitState?> GetAsync(Guid authId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM auth_quota WHERE auth_id = $1", connection);
        command.Parameters.AddWithValue(authId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static AuthLimitState Read(NpgsqlDataReader reader) => new(
        reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
        reader.IsDBNull(2) ? null : AuthLimitKindNames.FromWire(reader.GetString(2)),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        JsonSerializer.Deserialize(reader.GetString(5), DataJsonContext.Default.ListQuotaWindow) ?? [],
        reader.GetFieldValue<DateTimeOffset>(6));
}
