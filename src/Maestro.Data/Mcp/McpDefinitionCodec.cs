using System.Text.Json;
using Maestro.Core.Mcp;
using Maestro.Core.Secrets;

namespace Maestro.Data.Mcp;

/// <summary>
/// Encrypts and decrypts an MCP server's definition (command, args, URL, env, headers) as one AES-GCM ciphertext with
/// the purpose "mcp:{id}", so a ciphertext copied to another row does not decrypt.
/// </summary>
internal static class McpDefinitionCodec
{
    public static byte[] Encrypt(ISecretProtector secrets, Guid id, string? command, IEnumerable<string> args, string? url,
        IReadOnlyDictionary<string, string> env, IReadOnlyDictionary<string, string> headers) =>
        secrets.Protect(
            JsonSerializer.SerializeToUtf8Bytes(
                new McpSecrets(new Dictionary<string, string>(env), new Dictionary<string, string>(headers), command, [.. args], url),
                McpJsonContext.Default.McpSecrets),
            Purpose(id));

    /// <exception cref="SecretKeyException">The key that encrypted it is not configured, or the data was altered.</exception>
    public static McpSecrets Decrypt(ISecretProtector secrets, byte[] ciphertext, Guid id, string name)
    {
        try
        {
            return JsonSerializer.Deserialize(secrets.Unprotect(ciphertext, Purpose(id)), McpJsonContext.Default.McpSecrets) ?? new McpSecrets([], []);
        }
        catch (SecretKeyException ex)
        {
            throw new SecretKeyException($"Cannot decrypt the definition of MCP server '{name}': {ex.Message}", ex.Hint);
        }
    }

    /// <summary>Whether the ciphertext holds the whole definition (else: only env and headers, from before migration 6).</summary>
    public static bool IsWhole(McpSecrets stored) => stored.Command is not null || stored.Url is not null;

    public static string Purpose(Guid id) => $"mcp:{id}";
}
