using Maestro.Core.Usage;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Usage;

/// <summary>The usage ledger (<c>usage_records</c>): one row per provider call, summed per session and per auth.</summary>
public sealed class PostgresUsageStore(MaestroDatabase database) : IUsageStore, IUsageRecorder
{
    // Rows per model and provider, split at the long-context thresholds ($2: each threshold + 1, ascending), so a row's
    // calls share one tier; the largest prompt of each row tells the price which.
    private const string Sums = """
        SELECT model, provider, count(*), sum(input_tokens)::bigint, sum(output_tokens)::bigint,
               sum(cached_input_tokens)::bigint, sum(reasoning_tokens)::bigint, sum(cache_write_tokens)::bigint,
               max(input_tokens)::bigint
        FROM usage_records
        """;

    private const string ByModelAndTier = "GROUP BY model, provider, width_bucket(input_tokens, $2::bigint[]) ORDER BY 1, 2, 9";

    public async Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO usage_records (auth_id, provider, model, purpose, session_id, message_id,
                                       input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cache_write_tokens)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            connection);
        var usage = record.Usage;
        command.Parameters.AddWithValue(record.AuthId);
        command.Parameters.AddWithValue(record.Provider);
        command.Parameters.AddWithValue(record.Model);
        command.Parameters.AddWithValue(record.Purpose);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.SessionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.MessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.AddWithValue(usage.InputTokenCount ?? 0);
        command.Parameters.AddWithValue(usage.OutputTokenCount ?? 0);
        command.Parameters.AddWithValue(usage.CachedInputTokenCount ?? 0);
        command.Parameters.AddWithValue(usage.ReasoningTokenCount ?? 0);
        command.Parameters.AddWithValue(usage.AdditionalCounts?.TryGetValue(UsageCounts.CacheWriteKey, out var written) == true ? written : 0L);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ModelUsage>> BySessionAsync(Guid sessionId, IReadOnlyList<long> promptThresholds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Sums} WHERE session_id = $1 {ByModelAndTier}", connection);
        command.Parameters.AddWithValue(sessionId);
        command.Parameters.AddWithValue(Bounds(promptThresholds));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ModelUsage>> ByAuthAsync(Guid authId, IReadOnlyList<long> promptThresholds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Sums} WHERE auth_id = $1 {ByModelAndTier}", connection);
        command.Parameters.AddWithValue(authId);
        command.Parameters.AddWithValue(Bounds(promptThresholds));
        return await ReadAsync(command, cancellationToken);
    }

    // width_bucket counts a value equal to a bound into the upper bucket; a tier starts above its threshold.
    private static long[] Bounds(IReadOnlyList<long> thresholds)
    {
        if (thresholds.Count == 0)
        {
            return [long.MaxValue];
        }

        var bounds = new long[thresholds.Count];
        for (var i = 0; i < bounds.Length; i++)
        {
            bounds[i] = thresholds[i] == long.MaxValue ? long.MaxValue : thresholds[i] + 1;
        }

        Array.Sort(bounds);
        return bounds;
    }

    private static async Task<List<ModelUsage>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ModelUsage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ModelUsage(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), null, reader.GetInt64(7), reader.GetInt64(8)));
        }

        return result;
    }
}
