using Maestro.Core.Usage;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Usage;

/// <summary>The usage ledger (<c>usage_records</c>): one row per provider call, summed per session and per auth.</summary>
public sealed class PostgresUsageStore(MaestroDatabase database) : IUsageStore, IUsageLedger
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

    /// <summary>Many records in one statement: one array per column, unnested into rows.</summary>
    public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        var n = records.Count;
        var at = new DateTimeOffset[n];
        var authIds = new Guid[n];
        var providers = new string[n];
        var models = new string[n];
        var purposes = new string[n];
        var sessionIds = new Guid?[n];
        var messageIds = new Guid?[n];
        var input = new long[n];
        var output = new long[n];
        var cached = new long[n];
        var reasoning = new long[n];
        var cacheWrite = new long[n];
        for (var i = 0; i < n; i++)
        {
            var record = records[i];
            var usage = record.Usage;
            at[i] = (record.At ?? DateTimeOffset.UtcNow).ToUniversalTime();
            authIds[i] = record.AuthId;
            providers[i] = record.Provider;
            models[i] = record.Model;
            purposes[i] = record.Purpose;
            sessionIds[i] = record.SessionId;
            messageIds[i] = record.MessageId;
            input[i] = usage.InputTokenCount ?? 0;
            output[i] = usage.OutputTokenCount ?? 0;
            cached[i] = usage.CachedInputTokenCount ?? 0;
            reasoning[i] = usage.ReasoningTokenCount ?? 0;
            cacheWrite[i] = usage.AdditionalCounts?.TryGetValue(UsageCounts.CacheWriteKey, out var written) == true ? written : 0L;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO usage_records (at, auth_id, provider, model, purpose, session_id, message_id,
                                       input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cache_write_tokens)
            SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[],
                                 $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[])
            """,
            connection);
        command.Parameters.AddWithValue(at);
        command.Parameters.AddWithValue(authIds);
        command.Parameters.AddWithValue(providers);
        command.Parameters.AddWithValue(models);
        command.Parameters.AddWithValue(purposes);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = messageIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.AddWithValue(input);
        command.Parameters.AddWithValue(output);
        command.Parameters.AddWithValue(cached);
        command.Parameters.AddWithValue(reasoning);
        command.Parameters.AddWithValue(cacheWrite);
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
