using Maestro.Core.Errors;
using Maestro.Core.Providers.Saved;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Providers;

/// <summary>
/// The <c>compat_providers</c> table. Every change is announced on <c>maestro_providers</c> in its own transaction, so
/// listeners hear of it only once it is committed.
/// </summary>
public sealed class PostgresProviderDeclarationStore(MaestroDatabase database, ILogger<PostgresProviderDeclarationStore> logger)
    : IProviderDeclarationStore
{
    private const string Channel = "maestro_providers";

    private const string Columns =
        "id, display_name, base_url, auth_header, auth_scheme, models_path, chat_path, api_key_required, max_tokens_field, default_max_tokens, default_model";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<ProviderDeclaration>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM compat_providers ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ProviderDeclaration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ProviderDeclaration(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetBoolean(7),
                reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return list;
    }

    public async Task AddAsync(ProviderDeclaration declaration, CancellationToken cancellationToken)
    {
        try
        {
            await ChangeAsync(
                $"INSERT INTO compat_providers ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                declaration, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException(
                $"A provider '{declaration.Id}' is already saved.", "id", $"Edit it with `maestro providers edit {declaration.Id}`, or choose another id.");
        }
    }

    public async Task<bool> UpdateAsync(ProviderDeclaration declaration, CancellationToken cancellationToken) =>
        await ChangeAsync(
            """
            UPDATE compat_providers SET display_name = $2, base_url = $3, auth_header = $4, auth_scheme = $5, models_path = $6,
                chat_path = $7, api_key_required = $8, max_tokens_field = $9, default_max_tokens = $10, default_model = $11,
                updated_at = now()
            WHERE id = $1
            """,
            declaration, cancellationToken) > 0;

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM compat_providers WHERE id = $1", connection, transaction);
        command.Parameters.AddWithValue(id);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        await NotifyAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    public async Task ListenAsync(Func<CancellationToken, Task> changed, TaskCompletionSource listening, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                var heard = false;
                connection.Notification += (_, _) => heard = true;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                // Whatever changed while nobody listened (the first start, or a dropped connection).
                await changed(cancellationToken);
                listening.TrySetResult();
                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(cancellationToken);
                    if (heard)
                    {
                        // One reload covers every notification that arrived with this one.
                        heard = false;
                        await changed(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or MaestroException or IOException)
            {
                logger.LogWarning("Listening for provider changes from other Maestro processes failed ({Message}); retrying.", ex.Message);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<int> ChangeAsync(string sql, ProviderDeclaration d, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue(d.Id);
        command.Parameters.AddWithValue(d.DisplayName);
        command.Parameters.AddWithValue(d.BaseUrl);
        command.Parameters.AddWithValue(d.AuthHeader);
        command.Parameters.AddWithValue(d.AuthScheme);
        command.Parameters.AddWithValue(d.ModelsPath);
        command.Parameters.AddWithValue(d.ChatPath);
        command.Parameters.AddWithValue(d.ApiKeyRequired);
        command.Parameters.AddWithValue(d.MaxTokensField);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)d.DefaultMaxTokens ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)d.DefaultModel ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var rows = await command.ExecuteNonQueryAsync(cancellationToken);
        await NotifyAsync(connection, transaction, d.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, transaction);
        notify.Parameters.AddWithValue(Channel);
        notify.Parameters.AddWithValue(id);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }
}
