namespace Maestro.Core.Secrets;

/// <summary>
/// The embedded mode's key file, <c>$MAESTRO_HOME/secret.key</c> (mode 0600): one base64 key per line. The first line
/// encrypts; any further lines only decrypt, which is how a rotation keeps the old key readable until it finishes.
/// </summary>
public static class SecretKeyFile
{
    public static IReadOnlyList<SecretKey> Read(string path)
    {
        var keys = File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => SecretKey.Parse(line, path))
            .ToList();
        return keys.Count > 0
            ? keys
            : throw new SecretKeyException($"The key file {path} holds no key.", "Restore it from your backup of MAESTRO_HOME, or set MAESTRO_SECRET_KEY.");
    }

    /// <summary>Replaces the file atomically (a reader sees the old or the new file, never half of one), mode 0600.</summary>
    public static void Write(string path, IEnumerable<SecretKey> keys)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            WriteNew(temp, keys);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Creates the file only if it does not exist yet; false when another process created it first.</summary>
    public static bool TryCreate(string path, SecretKey key)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            WriteNew(temp, [key]);
            // Two processes may race on first run: the first rename wins and both use the winner's key.
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void WriteNew(string path, IEnumerable<SecretKey> keys)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(string.Join('\n', keys.Select(k => k.ToBase64())));
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}
