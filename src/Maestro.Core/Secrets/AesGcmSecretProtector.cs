using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Maestro.Core.Secrets;

/// <summary>
/// AES-256-GCM. Layout: [version 1][key id 4 bytes][nonce 12][tag 16][ciphertext].
/// The purpose string is authenticated (AAD), not stored.
/// </summary>
public sealed class AesGcmSecretProtector : ISecretProtector
{
    private const byte Version = 1;
    private const int KeyIdBytes = 4;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int HeaderBytes = 1 + KeyIdBytes + NonceBytes + TagBytes;

    private readonly SecretKey _current;
    private readonly Dictionary<uint, SecretKey> _byId;

    /// <param name="current">Encrypts new data.</param>
    /// <param name="previous">Older keys that can still decrypt, so a key can be rotated.</param>
    public AesGcmSecretProtector(SecretKey current, IEnumerable<SecretKey>? previous = null)
    {
        _current = current;
        _byId = new Dictionary<uint, SecretKey> { [IdOf(current)] = current };
        foreach (var key in previous ?? [])
        {
            _byId.TryAdd(IdOf(key), key);
        }
    }

    public string CurrentKeyId => _current.Id;

    public IReadOnlyList<string> KeyIds => [_current.Id, .. _byId.Values.Where(k => k != _current).Select(k => k.Id)];

    /// <summary>The key id a ciphertext names in its header (8 hex characters), or null when it is not one of ours.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> ciphertext) =>
        ciphertext.Length >= HeaderBytes && ciphertext[0] == Version
            ? BinaryPrimitives.ReadUInt32BigEndian(ciphertext.Slice(1, KeyIdBytes)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)
            : null;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[HeaderBytes + plaintext.Length];
        output[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(1, KeyIdBytes), IdOf(_current));
        var nonce = output.AsSpan(1 + KeyIdBytes, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        var tag = output.AsSpan(1 + KeyIdBytes + NonceBytes, TagBytes);
        using var aes = new AesGcm(_current.Key, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderBytes), tag, Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    public byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose)
    {
        if (ciphertext.Length < HeaderBytes || ciphertext[0] != Version)
        {
            throw new SecretKeyException("Stored secret data is damaged or in an unknown format.");
        }

        var keyId = BinaryPrimitives.ReadUInt32BigEndian(ciphertext.Slice(1, KeyIdBytes));
        if (!_byId.TryGetValue(keyId, out var key))
        {
            throw new SecretKeyException(
                $"Stored secrets were encrypted with key {keyId:x8}, but the configured key is {_current.Id}.",
                "Set MAESTRO_SECRET_KEY to the key they were saved with (or list it in MAESTRO_SECRET_KEY_PREVIOUS).");
        }

        var plaintext = new byte[ciphertext.Length - HeaderBytes];
        try
        {
            using var aes = new AesGcm(key.Key, TagBytes);
            aes.Decrypt(
                ciphertext.Slice(1 + KeyIdBytes, NonceBytes),
                ciphertext[HeaderBytes..],
                ciphertext.Slice(1 + KeyIdBytes + NonceBytes, TagBytes),
                plaintext,
                Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecretKeyException(
                $"Stored secret data failed its integrity check (key {key.Id}); it was altered or belongs to another record.");
        }

        return plaintext;
    }

    private static uint IdOf(SecretKey key) => Convert.ToUInt32(key.Id, 16);
}
