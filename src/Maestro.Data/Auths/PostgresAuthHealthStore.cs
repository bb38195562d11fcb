using Maestro.Core.Auths;
using Npgsql;

namespace Maestro.Data.Auths;

/// <summary>An auth's last outcome, in its row of <c>auths</c> (read back with every auth).</summary>
public sealed class PostgresAuthHealthStore(MaestroDatabase database) : IAuthHealthStore
{
    public async Task SetAsync(Guid authId, AuthHealth health, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE auths SET health = $2, health_message = $3, health_checked_at = $4 WHERE id = $1", connection);
        command.Parameters.AddWithValue(authId);
        command.Parameters.AddWithValue(health.State.ToWire());
        command.Parameters.AddWithValue((object?)health.Message ?? DBNull.Value);
        command.Parameters.AddWithValue(health.CheckedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
