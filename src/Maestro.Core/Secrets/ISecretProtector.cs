namespace Maestro.Core.Secrets;

/// <summary>
/// Encrypts secrets at rest. The purpose binds a ciphertext to where it is stored
/// (e.g. "auth:{id}"), so a ciphertext copied to another row does not decrypt.
/// </summary>
public interface ISecretProtector
{
    byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose);

    /// <exception cref="SecretKeyException">The key that encrypted it is not configured, or the data was altered.</exception>
    byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose);

    /// <summary>Identifies the key new ciphertexts are written with (never the key itself).</summary>
    string CurrentKeyId { get; }

    /// <summary>Every key id this protector can decrypt: the current one first, then the previous ones.</summary>
    IReadOnlyList<string> KeyIds { get; }
}
