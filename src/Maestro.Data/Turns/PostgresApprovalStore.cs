using System.Text.Json;
using Maestro.Core.Text;
using Maestro.Core.Turns;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Turns;

public sealed class PostgresApprovalStore(MaestroDatabase database, TimeProvider time) : IApprovalStore
{
    private const string Columns = "id, turn_id, session_id, call_id, tool, arguments, status, reason, created_at, decided_at";

    public async Task<Approval> CreateAsync(Guid turnId, Guid sessionId, string callId, string tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO approvals (id, turn_id, session_id, call_id, tool, arguments, status, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(turnId);
        command.Parameters.AddWithValue(sessionId);
        command.Parameters.AddWithValue(callId);
        command.Parameters.AddWithValue(tool);
        command.Parameters.Add(new NpgsqlParameter { Value = StorableText.EscapeJson(arguments.GetRawText()), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.AddWithValue(time.GetUtcNow());
        return (await ReadAsync(command, cancellationToken))[0];
    }

    public async Task<Approval?> DecideAsync(Guid approvalId, ApprovalStatus decision, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE approvals SET status = $2, reason = $3, decided_at = $4 WHERE id = $1 AND status = 'pending' RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(approvalId);
        command.Parameters.AddWithValue(decision.ToWire());
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)StorableText.EscapeOrNull(reason) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(time.GetUtcNow());
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<Approval?> GetAsync(Guid approvalId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM approvals WHERE id = $1", connection);
        command.Parameters.AddWithValue(approvalId);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<Approval>> PendingAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM approvals WHERE session_id = $1 AND status = 'pending' ORDER BY created_at", connection);
        command.Parameters.AddWithValue(sessionId);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Approval>> AllPendingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM approvals WHERE status = 'pending' ORDER BY created_at LIMIT $1", connection);
        command.Parameters.AddWithValue(limit);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM approvals WHERE status = 'pending'", connection);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<Approval>> ForCallsAsync(Guid sessionId, IReadOnlyCollection<string> callIds, CancellationToken cancellationToken)
    {
        if (callIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT DISTINCT ON (call_id) {Columns} FROM approvals WHERE session_id = $1 AND call_id = ANY($2) ORDER BY call_id, created_at DESC", connection);
        command.Parameters.AddWithValue(sessionId);
        command.Parameters.AddWithValue(callIds.ToArray());
        return await ReadAsync(command, cancellationToken);
    }

    public async Task ExpireForTurnAsync(Guid turnId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE approvals SET status = 'expired', decided_at = $2 WHERE turn_id = $1 AND status = 'pending'", connection);
        command.Parameters.AddWithValue(turnId);
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<Approval>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<Approval>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var args = JsonDocument.Parse(reader.GetString(5));
            result.Add(new Approval(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), args.RootElement.Clone(),
                ApprovalStatusNames.Parse(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return result;
    }
}
