using Maestro.Core.Access;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Access;

/// <summary>Access state in PostgreSQL. Expired sessions and codes are swept whenever a new one is created.</summary>
public sealed class PostgresAccessStore(MaestroDatabase database) : IAccessStore
{
    public async Task<string?> GetPasswordHashAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT hash FROM access_password", connection);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetPasswordHashAsync(string? hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = hash is null
            ? new NpgsqlCommand("DELETE FROM access_password", connection)
            : new NpgsqlCommand("""
                INSERT INTO access_password (singleton, hash, updated_at) VALUES (true, $1, $2)
                ON CONFLICT (singleton) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
                """, connection);
        if (hash is not null)
        {
            command.Parameters.AddWithValue(hash);
            command.Parameters.AddWithValue(now);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CreateSessionAsync(BrowserSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("DELETE FROM browser_sessions WHERE expires_at <= $1") { Parameters = { new() { Value = session.CreatedAt } } },
                new NpgsqlBatchCommand("""
                    INSERT INTO browser_sessions (id_hash, method, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)
                    """)
                {
                    Parameters =
                    {
                        new() { Value = session.IdHash, NpgsqlDbType = NpgsqlDbType.Bytea },
                        new() { Value = session.Method.ToWire() },
                        new() { Value = session.CreatedAt },
                        new() { Value = session.LastSeenAt },
                        new() { Value = session.ExpiresAt },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<BrowserSession?> FindSessionAsync(byte[] idHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT method, created_at, last_seen_at, expires_at FROM browser_sessions WHERE id_hash = $1 AND expires_at > $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = idHash, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.AddWithValue(now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new BrowserSession(
            idHash,
            SignInMethodExtensions.ParseSignInMethod(reader.GetString(0)),
            reader.GetFieldValue<DateTimeOffset>(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetFieldValue<DateTimeOffset>(3));
    }

    public async Task TouchSessionAsync(byte[] idHash, DateTimeOffset lastSeen, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE browser_sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = idHash, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.AddWithValue(lastSeen);
        command.Parameters.AddWithValue(expiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteSessionAsync(byte[] idHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM browser_sessions WHERE id_hash = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = idHash, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> EndAllSessionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var codes = new NpgsqlCommand("DELETE FROM sign_in_codes", connection, transaction);
        await codes.ExecuteNonQueryAsync(cancellationToken);
        await using var sessions = new NpgsqlCommand("DELETE FROM browser_sessions", connection, transaction);
        var ended = await sessions.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ended;
    }

    public async Task<int> CountSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM browser_sessions WHERE expires_at > $1", connection);
        command.Parameters.AddWithValue(now);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CreateSignInCodeAsync(byte[] codeHash, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("DELETE FROM sign_in_codes WHERE expires_at <= $1") { Parameters = { new() { Value = createdAt } } },
                new NpgsqlBatchCommand("INSERT INTO sign_in_codes (code_hash, created_at, expires_at) VALUES ($1, $2, $3)")
                {
                    Parameters =
                    {
                        new() { Value = codeHash, NpgsqlDbType = NpgsqlDbType.Bytea },
                        new() { Value = createdAt },
                        new() { Value = expiresAt },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> RedeemSignInCodeAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // Deleted whether or not it expired: a code is looked at once.
        await using var command = new NpgsqlCommand(
            "DELETE FROM sign_in_codes WHERE code_hash = $1 RETURNING expires_at > $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = codeHash, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.AddWithValue(now);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
