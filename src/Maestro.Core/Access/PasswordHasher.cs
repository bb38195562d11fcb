using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Maestro.Core.Errors;

namespace Maestro.Core.Access;

/// <summary>
/// The sign-in password as a slow salted hash: PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP's figure for
/// PBKDF2-SHA256), a 16-byte random salt and a 32-byte result, stored as
/// <c>pbkdf2-sha256$iterations$salt$hash</c> (base64) so the cost can be raised later without breaking old hashes.
/// </summary>
public static class PasswordHasher
{
    public const int Iterations = 600_000;
    public const int MinimumLength = 8;
    public const int MaximumLength = 1024;
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password)
    {
        Validate(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; false for anything malformed.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1 ||
            password.Length > MaximumLength)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations, expected.Length), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The rules a new password must meet, as one clear message.</summary>
    public static void Validate(string password)
    {
        if (password.Length < MinimumLength)
        {
            throw new ValidationFailedException("password", $"The password is too short ({password.Length} characters); use at least {MinimumLength}.");
        }

        if (password.Length > MaximumLength)
        {
            throw new ValidationFailedException("password", $"The password is too long ({password.Length} characters); use at most {MaximumLength}.");
        }

        if (password.Any(char.IsControl))
        {
            throw new ValidationFailedException("password", "The password contains a control character (such as a line break); use printable characters only.");
        }
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length = HashBytes) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
