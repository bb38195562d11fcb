using System.Security.Cryptography;
using System.Text;

namespace Maestro.Core.Access;

/// <summary>
/// The random secrets of access control (the access token, browser-session ids, one-time sign-in codes): 256 bits,
/// written as URL-safe base64 so they fit a header, a cookie and a URL fragment unchanged. Only their SHA-256 hashes
/// are ever stored in the database.
/// </summary>
public static class AccessSecrets
{
    public const int Bytes = 32;

    public static string Generate() => Base64Url(RandomNumberGenerator.GetBytes(Bytes));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time (hashes first, so the length of the secret leaks nothing either).</summary>
    public static bool Equal(string presented, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), expectedHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
