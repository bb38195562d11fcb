using System.Text.Json;
using Maestro.Core.OAuth;
using Maestro.Core.Secrets;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.OAuth;

/// <summary>
/// Logins in progress in PostgreSQL. Secrets are encrypted with the purpose "oauth_flow:{id}"; a flow is claimed for
/// its code exchange with one conditional UPDATE, so two instances cannot both exchange it.
/// </summary>
public sealed class PostgresOAuthFlowStore(MaestroDatabase database, ISecretProtector protector, TimeProvider time) : IOAuthFlowStore
{
    private const string Columns =
        "id, provider, auth_name, method, status, options, authorization_url, redirect_uri, user_code, verification_url, " +
        "poll_interval_ms, message, auth_id, created_at, expires_at, updated_at";

    public async Task CreateAsync(OAuthFlow flow, OAuthFlowSecrets secrets, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO oauth_flows ({Columns}, secrets, key_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """, connection);
        command.Parameters.AddWithValue(flow.Id);
        command.Parameters.AddWithValue(flow.Provider);
        command.Parameters.AddWithValue(flow.AuthName);
        command.Parameters.AddWithValue(flow.Method.ToWire());
        command.Parameters.AddWithValue(flow.Status.ToWire());
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(flow.Options, OAuthDataJsonContext.Default.OAuthLoginOptions), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(Text(flow.AuthorizationUrl?.AbsoluteUri));
        command.Parameters.Add(Text(flow.RedirectUri?.AbsoluteUri));
        command.Parameters.Add(Text(flow.UserCode));
        command.Parameters.Add(Text(flow.VerificationUrl?.AbsoluteUri));
        command.Parameters.Add(new NpgsqlParameter { Value = flow.PollInterval is { } i ? (int)i.TotalMilliseconds : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(Text(flow.Message));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)flow.AuthId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.AddWithValue(flow.CreatedAt);
        command.Parameters.AddWithValue(flow.ExpiresAt);
        command.Parameters.AddWithValue(flow.UpdatedAt);
        command.Parameters.AddWithValue(protector.Protect(JsonSerializer.SerializeToUtf8Bytes(secrets, OAuthDataJsonContext.Default.OAuthFlowSecrets), Purpose(flow.Id)));
        command.Parameters.AddWithValue(protector.CurrentKeyId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<OAuthFlow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM oauth_flows WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<(OAuthFlow Flow, OAuthFlowSecrets Secrets)?> ClaimAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE oauth_flows SET status = 'exchanging', message = 'Exchanging the code for tokens.', updated_at = $2
            WHERE id = $1 AND status = 'pending' AND expires_at > $2
            RETURNING {Columns}, secrets
            """, connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var flow = Read(reader);
        return (flow, Decrypt(id, reader.GetFieldValue<byte[]>(16)));
    }

    public async Task<OAuthFlowSecrets?> GetSecretsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT secrets FROM oauth_flows WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Decrypt(id, reader.GetFieldValue<byte[]>(0)) : null;
    }

    public async Task<OAuthFlow?> UpdateStatusAsync(
        Guid id, OAuthFlowStatus status, string? message, Guid? authId, OAuthFlowStatus? onlyFrom, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE oauth_flows SET status = $2, message = $3, auth_id = COALESCE($4, auth_id), updated_at = $5
            WHERE id = $1 AND ($6::text IS NULL OR status = $6)
            RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(status.ToWire());
        command.Parameters.Add(Text(message));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)authId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.Add(Text(onlyFrom?.ToWire()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "DELETE FROM oauth_flows WHERE (status NOT IN ('pending', 'exchanging') AND updated_at < $1) OR expires_at < $1", connection);
        command.Parameters.AddWithValue(before);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private OAuthFlow Read(NpgsqlDataReader reader)
    {
        var status = OAuthFlowStatusNames.Parse(reader.GetString(4));
        var expiresAt = reader.GetFieldValue<DateTimeOffset>(14);
        var message = reader.IsDBNull(11) ? null : reader.GetString(11);
        if (status == OAuthFlowStatus.Pending && expiresAt <= time.GetUtcNow())
        {
            // The process that ran it may be gone and never marked it: an unfinished login past its time has expired.
            status = OAuthFlowStatus.Expired;
            message = "Nobody completed the login in time. Start it again when you are ready.";
        }

        return new OAuthFlow(
            Id: reader.GetGuid(0),
            Provider: reader.GetString(1),
            AuthName: reader.GetString(2),
            Method: OAuthLoginMethodNames.Parse(reader.GetString(3)),
            Status: status,
            Options: JsonSerializer.Deserialize(reader.GetString(5), OAuthDataJsonContext.Default.OAuthLoginOptions) ?? OAuthLoginOptions.Default,
            AuthorizationUrl: reader.IsDBNull(6) ? null : new Uri(reader.GetString(6)),
            RedirectUri: reader.IsDBNull(7) ? null : new Uri(reader.GetString(7)),
            UserCode: reader.IsDBNull(8) ? null : reader.GetString(8),
            VerificationUrl: reader.IsDBNull(9) ? null : new Uri(reader.GetString(9)),
            PollInterval: reader.IsDBNull(10) ? null : TimeSpan.FromMilliseconds(reader.GetInt32(10)),
            Message: message,
            AuthId: reader.IsDBNull(12) ? null : reader.GetGuid(12),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(13),
            ExpiresAt: expiresAt,
            UpdatedAt: reader.GetFieldValue<DateTimeOffset>(15));
    }

    private OAuthFlowSecrets Decrypt(Guid id, byte[] ciphertext) =>
        JsonSerializer.Deserialize(protector.Unprotect(ciphertext, Purpose(id)), OAuthDataJsonContext.Default.OAuthFlowSecrets)
        ?? throw new InvalidDataException($"The secrets of login {id} are empty.");

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static string Purpose(Guid id) => $"oauth_flow:{id}";
}
