using Maestro.Data;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Gateway.Usage;

internal sealed class PostgresGatewayUsageStore(MaestroDatabase database) : IGatewayUsageStore
{
    /// <summary>One statement per batch: the columns travel as arrays and are unnested.</summary>
    public async Task InsertAsync(IReadOnlyList<GatewayUsageRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO gateway_usage (key_id, at, api, route, auth_id, auth_label, provider, model, status, input_tokens,
                output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, latency_ms, attempts)
            SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[],
                $9::int[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::numeric[], $15::int[], $16::smallint[])
            """, connection);
        command.Parameters.AddWithValue(records.Select(r => r.KeyId).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.At).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.Api).ToArray());
        command.Parameters.Add(Texts(records.Select(r => r.Route)));
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.AuthId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(Texts(records.Select(r => r.AuthLabel)));
        command.Parameters.Add(Texts(records.Select(r => r.Provider)));
        command.Parameters.Add(Texts(records.Select(r => r.Model)));
        command.Parameters.AddWithValue(records.Select(r => r.Status).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.InputTokens).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.OutputTokens).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.CachedInputTokens).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.ReasoningTokens).ToArray());
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.CostUsd).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
        command.Parameters.AddWithValue(records.Select(r => r.LatencyMs).ToArray());
        command.Parameters.AddWithValue(records.Select(r => (short)Math.Min(r.Attempts, short.MaxValue)).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<KeyUsageRow>> ByKeyAsync(Guid keyId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT route, provider, model, count(*), count(*) FILTER (WHERE status >= 400),
                   sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(reasoning_tokens), sum(cost_usd)
            FROM gateway_usage WHERE key_id = $1 AND at >= $2
            GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3
            """, connection);
        command.Parameters.AddWithValue(keyId);
        command.Parameters.AddWithValue(since);
        var rows = new List<KeyUsageRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new KeyUsageRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetDecimal(9)));
        }

        return rows;
    }

    public async Task<IReadOnlyDictionary<Guid, (long Requests, decimal Cost)>> TotalsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT key_id, count(*), coalesce(sum(cost_usd), 0) FROM gateway_usage WHERE at >= $1 GROUP BY key_id", connection);
        command.Parameters.AddWithValue(since);
        var totals = new Dictionary<Guid, (long, decimal)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            totals[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetDecimal(2));
        }

        return totals;
    }

    private static NpgsqlParameter Texts(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
