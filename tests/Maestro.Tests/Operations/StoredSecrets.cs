using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Mcp;
using Maestro.Core.OAuth;
using Maestro.Core.Secrets;
using Maestro.Data.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Maestro.Tests.Operations;

/// <summary>Stored secrets for the rotation and backup tests: one of each kind written by the real stores, and many more.</summary>
internal static class StoredSecrets
{
    public const string McpToken = "mcp-token-0123456789abcdef";

    /// <summary>An API-key auth, an MCP server with an env token, and an OAuth login in progress, through Maestro's services.</summary>
    public static async Task CreateOneOfEachAsync(IServiceProvider services, string label)
    {
        await services.GetRequiredService<AuthService>().CreateApiKeyAsync("openai", $"{label}-key", "sk-one-of-each-0123456789abcdef", null, CancellationToken.None);
        await services.GetRequiredService<McpService>().CreateAsync(new McpServerSpec
        {
            Name = $"{label}-tools",
            Command = "echo",
            Env = new Dictionary<string, string?> { ["TOKEN"] = McpToken },
        }, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await services.GetRequiredService<IOAuthFlowStore>().CreateAsync(
            new OAuthFlow(Guid.CreateVersion7(), "openai", $"{label}-login", OAuthLoginMethod.Paste, OAuthFlowStatus.Pending, OAuthLoginOptions.Default,
                new Uri("https://auth.example/authorize"), null, null, null, null, null, null, now, now.AddMinutes(10), now),
            new OAuthFlowSecrets("state-secret", "verifier-secret", null), CancellationToken.None);
    }

    /// <summary>Inserts <paramref name="count"/> API-key auths exactly as the auth store writes them, in one statement.</summary>
    public static async Task InsertAuthsAsync(NpgsqlDataSource dataSource, ISecretProtector protector, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var insert = dataSource.CreateCommand("""
            INSERT INTO auths (id, provider, name, auth_type, credentials, key_id)
            SELECT id, 'anthropic', name, 'api_key', credentials, $4 FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS t(id, name, credentials)
            """);
        insert.Parameters.AddWithValue(ids);
        insert.Parameters.AddWithValue(ids.Select((_, i) => $"bulk-{i:D5}").ToArray());
        insert.Parameters.AddWithValue(ids.Select((id, i) => protector.Protect(
            JsonSerializer.SerializeToUtf8Bytes(new { api_key = $"sk-bulk-{i:D5}-0123456789" }), $"auth:{id}")).ToArray());
        insert.Parameters.AddWithValue(protector.CurrentKeyId);
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>Decrypts every registered ciphertext with <paramref name="protector"/>; returns how many there were per column.</summary>
    public static async Task<Dictionary<string, long>> DecryptAllAsync(NpgsqlDataSource dataSource, ISecretProtector protector)
    {
        var counts = new Dictionary<string, long>();
        foreach (var column in EncryptedColumns.All)
        {
            await using var read = dataSource.CreateCommand(
                $"SELECT \"{column.IdColumn}\", \"{column.CiphertextColumn}\" FROM \"{column.Table}\" WHERE {column.HasValue}");
            await using var reader = await read.ExecuteReaderAsync();
            long n = 0;
            while (await reader.ReadAsync())
            {
                protector.Unprotect(reader.GetFieldValue<byte[]>(1), column.Purpose(reader.GetValue(0)));
                n++;
            }

            counts[column.Name] = n;
        }

        return counts;
    }

    public static async Task<IReadOnlyDictionary<string, long>> KeyUsageAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return SecretKeyUsage.ByKey(await SecretKeyUsage.ReadAsync(connection, null, CancellationToken.None));
    }
}
