using System.Security.Cryptography;
using System.Text;

namespace Maestro.Core.Secrets;

/// <summary>A 256-bit data-protection key and its public id (a hash prefix, safe to store and print).</summary>
public sealed class SecretKey
{
    private const int KeyBytes = 32;

    private SecretKey(byte[] key)
    {
        Key = key;
        Id = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 4));
    }

    internal byte[] Key { get; }

    /// <summary>8 hex characters; stored beside every ciphertext so a rotated key can still be found.</summary>
    public string Id { get; }

    public static SecretKey Generate() => new(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>
    /// Accepts base64 of exactly 32 bytes (what <c>openssl rand -base64 32</c> prints), or any passphrase of at
    /// least 32 characters (like the seed's SECRET_KEY_BASE), which is stretched with HKDF-SHA256.
    /// </summary>
    public static SecretKey Parse(string text, string source)
    {
        var trimmed = text.Trim();
        if (TryDecodeBase64(trimmed, out var raw) && raw.Length == KeyBytes)
        {
            return new SecretKey(raw);
        }

        if (trimmed.Length >= 32)
        {
            var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(trimmed), KeyBytes,
                salt: Encoding.UTF8.GetBytes("maestro.secret-key.v1"), info: []);
            return new SecretKey(derived);
        }

        throw new SecretKeyException(
            $"{source} is not a usable secret key: it must be base64 of 32 random bytes or a passphrase of at least 32 characters.",
            "Generate one with: openssl rand -base64 32");
    }

    public string ToBase64() => Convert.ToBase64String(Key);

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
