using System.Security.Cryptography;
using System.Text;

namespace Maestro.Gateway.Keys;

/// <summary>
/// Gateway key secrets: <c>sk-maestro-</c> and 43 random base62 characters (256 bits). They are random enough that a
/// fast hash is safe to store and look up by; only the hash and a short hint are kept.
/// </summary>
public static class KeyMaterial
{
    public const string Prefix = "sk-maestro-";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewSecret() => Prefix + RandomNumberGenerator.GetString(Base62, 43);

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Hashes a presented key without allocating a string for it.</summary>
    public static void Hash(ReadOnlySpan<char> secret, Span<byte> destination)
    {
        Span<byte> utf8 = secret.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        SHA256.HashData(utf8[..length], destination);
    }

    /// <summary><c>sk-maestro-AbCd…wxYz</c>.</summary>
    public static string Hint(string secret) => string.Concat(secret.AsSpan(0, Prefix.Length + 4), "…", secret.AsSpan(secret.Length - 4));
}
