using System.Security.Cryptography;
using System.Text;

namespace Maestro.Core.OAuth;

/// <summary>PKCE (RFC 7636, S256) and the random <c>state</c> that ties a callback to the login that asked for it.</summary>
public static class Pkce
{
    /// <summary>A new verifier (43 characters of base64url from 32 random bytes) and its S256 challenge.</summary>
    public static PkceCodes Create()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new PkceCodes(verifier, Challenge(verifier));
    }

    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>An unguessable state value.</summary>
    public static string NewState() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Compares in constant time, so timing says nothing about how much of a guessed state was right.</summary>
    public static bool StateMatches(string expected, string? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record PkceCodes(string Verifier, string Challenge)
{
    public override string ToString() => "PkceCodes { <redacted> }";
}
