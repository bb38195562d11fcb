using System.Security.Cryptography;
using System.Text;

namespace Maestro.Wire;

/// <summary>Ids and opaque blobs shaped like each provider's (prefix, alphabet, length), so adapters see realistic values.</summary>
public static class WireIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Hex = "0123456789abcdef";

    /// <summary><c>prefix</c> followed by <paramref name="length"/> random base62 characters.</summary>
    public static string Base62Id(string prefix, int length) => prefix + RandomNumberGenerator.GetString(Base62, length);

    public static string HexId(string prefix, int length) => prefix + RandomNumberGenerator.GetString(Hex, length);

    /// <summary>
    /// A deterministic stand-in for a provider's opaque reasoning blob (Anthropic signature, OpenAI encrypted_content,
    /// Gemini thoughtSignature): base64 of a hash of what it vouches for, so the same reasoning gets the same blob.
    /// </summary>
    public static string Opaque(string purpose, string content, bool urlSafe = false)
    {
        var bytes = new byte[96];
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes(purpose + "\n" + content));
        for (var block = 0; block < 3; block++)
        {
            seed = SHA256.HashData(seed);
            seed.CopyTo(bytes, block * 32);
        }

        var text = Convert.ToBase64String(bytes);
        return urlSafe ? text.Replace('+', '-').Replace('/', '_') : text;
    }
}
