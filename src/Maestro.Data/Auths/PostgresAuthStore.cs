using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Maestro.Data.Batching;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Auths;

/// <summary>
/// Auths in PostgreSQL. Credentials are serialized to JSON and encrypted with the purpose "auth:{id}", so a
/// ciphertext copied to another row does not decrypt.
/// </summary>
public sealed class PostgresAuthStore(MaestroDatabase database, ISecretProtector secrets, TimeProvider time) : IAuthStore
{
    internal const string Columns =
"id, provider, name, auth_type, status, status_message, expires_at, metadata, created_at, updated_at, refreshed_at, credentials, " +
        "health, health_message, health_checked_at";

    private GroupedRoundTrip<AuthName, Lookup>? _finds;

    // Made on first use: a field initializer cannot share the primary constructor's parameters with the methods.
    private GroupedRoundTrip<AuthName, Lookup> Finds => LazyInitializer.EnsureInitialized(ref _finds, () => new(database, new AuthLookups(this)));

    public async Task<IReadOnlyList<AuthRecord>> ListAsync(string? provider, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM auths WHERE ($1::text IS NULL OR provider = $1) ORDER BY provider, name", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)provider ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var result = new List<AuthRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadRecord(reader));
        }

        return result;
    }

    /// <summary>By provider and name; lookups that arrive together share one round trip (session creates in a burst).</summary>
    public async Task<AuthRecord?> FindAsync(string provider, string name, CancellationToken cancellationToken) =>
        (await Finds.RunAsync(new AuthName(provider, name, Decrypt: false), cancellationToken)).Auth?.Record;

    public async Task<StoredAuth?> FindWithCredentialsAsync(string provider, string name, CancellationToken cancellationToken)
    {
        var found = await Finds.RunAsync(new AuthName(provider, name, Decrypt: true), cancellationToken);
        return found.Error is { } error ? throw error : found.Auth;
    }

    public async Task<StoredAuth?> GetWithCredentialsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM auths WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadStored(reader) : null;
    }

    public async Task<AuthRecord> CreateAsync(NewAuth auth, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO auths (id, provider, name, auth_type, credentials, key_id, metadata, status, expires_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9)
            RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(auth.Provider);
        command.Parameters.AddWithValue(auth.Name);
        command.Parameters.AddWithValue(auth.Type.ToWire());
        command.Parameters.AddWithValue(Encrypt(id, auth.Credentials));
        command.Parameters.AddWithValue(secrets.CurrentKeyId);
        command.Parameters.Add(Json(auth.Metadata));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)(auth.ExpiresAt ?? auth.Credentials.ExpiresAt) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.AddWithValue(now);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return ReadRecord(reader);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"An auth named '{auth.Name}' already exists for provider '{auth.Provider}'.", "name",
                "Choose another name, or remove the existing one first.");
        }
    }

    public async Task<AuthRecord> RenameAsync(Guid id, string newName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"UPDATE auths SET name = $2, updated_at = $3 WHERE id = $1 RETURNING {Columns}", connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(newName);
        command.Parameters.AddWithValue(time.GetUtcNow());
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : throw Gone(id);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"An auth named '{newName}' already exists for this provider.", "new_name");
        }
    }

    public async Task<AuthRecord> UpdateAsync(Guid id, AuthUpdate update, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await ApplyUpdateAsync(connection, null, id, update, cancellationToken);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM auths WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<TResult> WithExclusiveLockAsync<TResult>(
        Guid id,
        Func<StoredAuth, CancellationToken, Task<(AuthUpdate? Update, TResult Result)>> action,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        StoredAuth stored;
        // FOR UPDATE blocks every other process's locker until we commit; they then re-read the row we wrote.
        await using (var command = new NpgsqlCommand($"SELECT {Columns} FROM auths WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            command.Parameters.AddWithValue(id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            stored = await reader.ReadAsync(cancellationToken) ? ReadStored(reader) : throw Gone(id);
        }

        var (update, result) = await action(stored, cancellationToken);
        if (update is not null)
        {
            await ApplyUpdateAsync(connection, transaction, id, update, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<AuthRecord> ApplyUpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, AuthUpdate update, CancellationToken cancellationToken)
    {
        var sets = new List<string> { "updated_at = $2" };
        var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        await using var _ = command;
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(time.GetUtcNow());
        if (update.Credentials is not null)
        {
            command.Parameters.AddWithValue(Encrypt(id, update.Credentials));
            sets.Add($"credentials = ${command.Parameters.Count}");
            command.Parameters.AddWithValue(secrets.CurrentKeyId);
            sets.Add($"key_id = ${command.Parameters.Count}");
        }

        if (update.Metadata is not null)
        {
            command.Parameters.Add(Json(update.Metadata));
            sets.Add($"metadata = ${command.Parameters.Count}");
        }

        if (update.Status is not null)
        {
            command.Parameters.AddWithValue(update.Status.Value.ToWire());
            sets.Add($"status = ${command.Parameters.Count}");
        }

        if (update.StatusMessage is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = update.StatusMessage.Length == 0 ? DBNull.Value : update.StatusMessage, NpgsqlDbType = NpgsqlDbType.Text });
            sets.Add($"status_message = ${command.Parameters.Count}");
        }

        if (update.ClearExpiresAt)
        {
            sets.Add("expires_at = NULL");
        }
        else if (update.ExpiresAt is not null)
        {
            command.Parameters.AddWithValue(update.ExpiresAt.Value);
            sets.Add($"expires_at = ${command.Parameters.Count}");
        }

        if (update.RefreshedAt is not null)
        {
            command.Parameters.AddWithValue(update.RefreshedAt.Value);
            sets.Add($"refreshed_at = ${command.Parameters.Count}");
        }

        command.CommandText = $"UPDATE auths SET {string.Join(", ", sets)} WHERE id = $1 RETURNING {Columns}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : throw Gone(id);
    }

    private byte[] Encrypt(Guid id, AuthCredentials credentials) =>
        secrets.Protect(JsonSerializer.SerializeToUtf8Bytes(credentials, DataJsonContext.Default.AuthCredentials), Purpose(id));

    /// <summary>The auth at the reader's row (selected with <see cref="Columns"/>), its credentials decrypted.</summary>
    internal StoredAuth ReadStored(NpgsqlDataReader reader)
    {
        var record = ReadRecord(reader);
        byte[] plaintext;
        try
        {
            plaintext = secrets.Unprotect(reader.GetFieldValue<byte[]>(11), Purpose(record.Id));
        }
        catch (SecretKeyException ex)
        {
            throw new SecretKeyException($"Cannot decrypt the credentials of {record.Ref}: {ex.Message}", ex.Hint);
        }

        var credentials = JsonSerializer.Deserialize(plaintext, DataJsonContext.Default.AuthCredentials) ?? new AuthCredentials();
        return new StoredAuth(record, credentials);
    }

    private static AuthRecord ReadRecord(NpgsqlDataReader reader) => new(
        Id: reader.GetGuid(0),
        Provider: reader.GetString(1),
        Name: reader.GetString(2),
        Type: AuthTypeNames.Parse(reader.GetString(3)),
        Status: AuthStatusNames.Parse(reader.GetString(4)),
        StatusMessage: reader.IsDBNull(5) ? null : reader.GetString(5),
        ExpiresAt: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        Metadata: JsonSerializer.Deserialize(reader.GetString(7), DataJsonContext.Default.DictionaryStringString) ?? [],
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(8),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(9),
        RefreshedAt: reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10))
    {
        Health = AuthHealthNames.Parse(reader.IsDBNull(12) ? null : reader.GetString(12)) is { } state && !reader.IsDBNull(14)
            ? new AuthHealth(state, reader.IsDBNull(13) ? null : reader.GetString(13), reader.GetFieldValue<DateTimeOffset>(14))
            : null,
    };

    private static NpgsqlParameter Json(IReadOnlyDictionary<string, string> metadata) => new()
    {
        Value = JsonSerializer.Serialize(new Dictionary<string, string>(metadata), DataJsonContext.Default.DictionaryStringString),
        NpgsqlDbType = NpgsqlDbType.Jsonb,
    };

    private static string Purpose(Guid id) => $"auth:{id}";

    private static NotFoundException Gone(Guid id) => new($"The auth {id} no longer exists (it was deleted meanwhile).");

    private sealed record AuthName(string Provider, string Name, bool Decrypt);

    /// <summary>An auth found (or not), or why its credentials could not be read: that failure is its caller's alone.</summary>
    private sealed record Lookup(StoredAuth? Auth, SecretKeyException? Error);

    /// <summary>An auth's lookup by name (its credentials decrypted only when asked for), as one statement of a shared batch.</summary>
    private sealed class AuthLookups(PostgresAuthStore store) : IGroupedStatements<AuthName, Lookup>
    {
        public void Add(NpgsqlBatch batch, AuthName auth)
        {
            var command = new NpgsqlBatchCommand($"SELECT {Columns} FROM auths WHERE provider = $1 AND name = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = auth.Provider });
            command.Parameters.Add(new NpgsqlParameter { Value = auth.Name });
            batch.BatchCommands.Add(command);
        }

        public async Task<Lookup> ReadAsync(NpgsqlDataReader reader, AuthName auth, CancellationToken cancellationToken)
        {
            var found = new Lookup(null, null);
            if (await reader.ReadAsync(cancellationToken))
            {
                try
                {
                    found = new Lookup(auth.Decrypt ? store.ReadStored(reader) : new StoredAuth(ReadRecord(reader), new AuthCredentials()), null);
                }
                catch (SecretKeyException ex)
                {
                    found = new Lookup(null, ex);
                }
            }

            await reader.NextResultAsync(cancellationToken);
            return found;
        }
    }
}
