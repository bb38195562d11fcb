using System.Text;
using Maestro.Core.Secrets;
using Npgsql;

namespace Maestro.Data;

/// <summary>
/// Stores a value encrypted with the secret key when the database is new, and decrypts it at every start, so a wrong
/// MAESTRO_SECRET_KEY is reported at once with a clear message instead of when an auth is first used.
/// </summary>
internal static class SecretKeyCheck
{
    private const string MetaKey = "secret_key_check";
    private const string Purpose = "maestro_meta:secret_key_check";
    private static readonly byte[] Canary = Encoding.UTF8.GetBytes("maestro secret key check");

    public static async Task VerifyAsync(NpgsqlDataSource dataSource, ISecretProtector secrets, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var read = new NpgsqlCommand("SELECT value FROM maestro_meta WHERE key = $1", connection))
        {
            read.Parameters.AddWithValue(MetaKey);
            if (await read.ExecuteScalarAsync(cancellationToken) is byte[] stored)
            {
                // Throws SecretKeyException with the key ids when the configured key is not the one in use.
                secrets.Unprotect(stored, Purpose);
                return;
            }
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO maestro_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", connection);
        insert.Parameters.AddWithValue(MetaKey);
        insert.Parameters.AddWithValue(secrets.Protect(Canary, Purpose));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
