using Maestro.Core.Configuration;

namespace Maestro.Core.Secrets;

/// <summary>
/// Finds the data-protection key: <c>MAESTRO_SECRET_KEY</c> (also the seed's <c>SECRET_KEY_BASE</c>), or, with the
/// embedded database, a key generated once into <c>$MAESTRO_HOME/secret.key</c> (mode 0600).
/// </summary>
public static class SecretKeyProvider
{
    public const string FileName = "secret.key";

    public static AesGcmSecretProtector Create(Func<string, string?> getEnv, MaestroHome home, bool embeddedDatabase)
    {
        var configured = getEnv("MAESTRO_SECRET_KEY") is { Length: > 0 } k ? ("MAESTRO_SECRET_KEY", k)
            : getEnv("SECRET_KEY_BASE") is { Length: > 0 } b ? ("SECRET_KEY_BASE", b)
            : (null, null);

        SecretKey current;
        if (configured.Item2 is not null)
        {
            current = SecretKey.Parse(configured.Item2, configured.Item1!);
        }
        else if (embeddedDatabase)
        {
            current = LoadOrCreateKeyFile(home.Combine(FileName));
        }
        else
        {
            throw new SecretKeyException(
                "MAESTRO_SECRET_KEY is not set; it is required when DATABASE_URL points at an external database.",
                "Generate a key once with `openssl rand -base64 32`, keep it safe, and set MAESTRO_SECRET_KEY to it on every Maestro instance.");
        }

        var previous = (getEnv("MAESTRO_SECRET_KEY_PREVIOUS") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => SecretKey.Parse(p, "MAESTRO_SECRET_KEY_PREVIOUS"));
        return new AesGcmSecretProtector(current, previous);
    }

    private static SecretKey LoadOrCreateKeyFile(string path)
    {
        if (File.Exists(path))
        {
            return SecretKey.Parse(File.ReadAllText(path), path);
        }

        var key = SecretKey.Generate();
        var temp = path + $".{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ToBase64());
        }

        try
        {
            // Two processes may race on first run: the first rename wins and both use the winner's key.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temp);
            return SecretKey.Parse(File.ReadAllText(path), path);
        }

        return key;
    }
}
