namespace Maestro.Core.Secrets;

/// <summary>
/// The protector of the embedded mode: its keys come from <c>$MAESTRO_HOME/secret.key</c>, re-read whenever the file
/// changes, so a `maestro serve` that runs while `maestro secrets rotate` replaces the key starts writing with the new
/// key at once and reads what the rotation re-encrypted. A stat per call is nothing next to the database write around it.
/// </summary>
public sealed class KeyFileSecretProtector : ISecretProtector
{
    private readonly string _path;
    private readonly IReadOnlyList<SecretKey> _alsoAccepted;
    private readonly Lock _gate = new();
    private volatile Loaded _loaded;

    /// <param name="alsoAccepted">Keys from MAESTRO_SECRET_KEY_PREVIOUS, accepted for decryption besides the file's.</param>
    public KeyFileSecretProtector(string path, IReadOnlyList<SecretKey> alsoAccepted)
    {
        _path = path;
        _alsoAccepted = alsoAccepted;
        _loaded = Load();
    }

    public string CurrentKeyId => Current().Protector.CurrentKeyId;

    public IReadOnlyList<string> KeyIds => Current().Protector.KeyIds;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose) => Current().Protector.Protect(plaintext, purpose);

    public byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose)
    {
        var loaded = Current();
        var keyId = AesGcmSecretProtector.KeyIdOf(ciphertext);
        if (keyId is not null && !loaded.Protector.KeyIds.Contains(keyId))
        {
            // Same size and timestamp can hide a rewrite within one clock tick: read the file again before giving up.
            loaded = Reload();
        }

        return loaded.Protector.Unprotect(ciphertext, purpose);
    }

    private Loaded Current()
    {
        var loaded = _loaded;
        var file = new FileInfo(_path);
        return file.Exists && (file.LastWriteTimeUtc != loaded.Modified || file.Length != loaded.Length) ? Reload() : loaded;
    }

    private Loaded Reload()
    {
        lock (_gate)
        {
            try
            {
                _loaded = Load();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file being replaced can vanish for an instant; the keys already loaded stay valid meanwhile.
            }

            return _loaded;
        }
    }

    private Loaded Load()
    {
        var file = new FileInfo(_path);
        var keys = SecretKeyFile.Read(_path);
        return new Loaded(new AesGcmSecretProtector(keys[0], [.. keys.Skip(1), .. _alsoAccepted]), file.LastWriteTimeUtc, file.Length);
    }

    private sealed record Loaded(AesGcmSecretProtector Protector, DateTime Modified, long Length);
}
