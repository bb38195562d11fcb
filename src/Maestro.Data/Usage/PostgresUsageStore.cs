using Maestro.Core.Usage;
using Npgsql;

namespace Maestro.Data.Usage;

/// <summary>Sums the usage stored with each assistant message (M.E.AI UsageDetails JSON).</summary>
public sealed class PostgresUsageStore(MaestroDatabase database) : IUsageStore
{
    private const string Sums = """
        SELECT coalesce(m.model, '?'), m.provider, count(*),
               coalesce(sum((m.usage->>'inputTokenCount')::bigint), 0),
               coalesce(sum((m.usage->>'outputTokenCount')::bigint), 0),
               coalesce(sum((m.usage->>'cachedInputTokenCount')::bigint), 0),
               coalesce(sum((m.usage->>'reasoningTokenCount')::bigint), 0)
        FROM messages m
        """;

    public async Task<IReadOnlyList<ModelUsage>> BySessionAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"{Sums} JOIN threads t ON t.id = m.thread_id WHERE t.session_id = $1 AND m.usage IS NOT NULL GROUP BY 1, 2 ORDER BY 1", connection);
        command.Parameters.AddWithValue(sessionId);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ModelUsage>> ByAuthAsync(Guid authId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{Sums} WHERE m.auth_id = $1 AND m.usage IS NOT NULL GROUP BY 1, 2 ORDER BY 1", connection);
        command.Parameters.AddWithValue(authId);
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<List<ModelUsage>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ModelUsage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ModelUsage(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), null));
        }

        return result;
    }
}
