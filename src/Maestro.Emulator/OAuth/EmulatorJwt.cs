using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Maestro.Emulator.OAuth;

/// <summary>JWTs for emulated id and access tokens, signed with a key that lives as long as the emulator (nobody verifies it).</summary>
internal sealed class EmulatorJwt
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");

    public string Create(Action<Utf8JsonWriter> writeClaims)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeClaims(writer);
            writer.WriteEndObject();
        }

        var unsigned = Base64Url(Header) + "." + Base64Url(buffer.ToArray());
        return unsigned + "." + Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned)));
    }

    public static string Random(int bytes = 24) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
