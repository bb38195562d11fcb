using Maestro.Core.Configuration;

namespace Maestro.Core.Secrets;

/// <summary>
/// Finds the data-protection key: <c>MAESTRO_SECRET_KEY</c> (also the seed's <c>SECRET_KEY_BASE</c>), or, with the
/// embedded database, a key generated once into <c>$MAESTRO_HOME/secret.key</c> (mode 0600). Older keys that may still
/// decrypt come from <c>MAESTRO_SECRET_KEY_PREVIOUS</c> (and, during a rotation, the key file's later lines).
/// </summary>
public static class SecretKeyProvider
{
    public const string FileName = "secret.key";

    public static ISecretProtector Create(Func<string, string?> getEnv, MaestroHome home, bool embeddedDatabase)
    {
        var source = Locate(getEnv, home, embeddedDatabase);
        var previous = Previous(getEnv);
        if (source.IsKeyFile)
        {
            if (!File.Exists(source.FilePath!))
            {
                SecretKeyFile.TryCreate(source.FilePath!, SecretKey.Generate());
            }

            return new KeyFileSecretProtector(source.FilePath!, previous);
        }

        return new AesGcmSecretProtector(SecretKey.Parse(getEnv(source.Setting!)!, source.Setting!), previous);
    }

    /// <summary>Where the key comes from, without reading or creating it.</summary>
    public static SecretKeySource Locate(Func<string, string?> getEnv, MaestroHome home, bool embeddedDatabase)
    {
        if (getEnv("MAESTRO_SECRET_KEY") is { Length: > 0 })
        {
            return new SecretKeySource("MAESTRO_SECRET_KEY", null);
        }

        if (getEnv("SECRET_KEY_BASE") is { Length: > 0 })
        {
            return new SecretKeySource("SECRET_KEY_BASE", null);
        }

        return embeddedDatabase
            ? new SecretKeySource(null, home.Combine(FileName))
            : throw new SecretKeyException(
                "MAESTRO_SECRET_KEY is not set; it is required when DATABASE_URL points at an external database.",
                "Generate a key once with `openssl rand -base64 32`, keep it safe, and set MAESTRO_SECRET_KEY to it on every Maestro instance.");
    }

    private static SecretKey[] Previous(Func<string, string?> getEnv) =>
        (getEnv("MAESTRO_SECRET_KEY_PREVIOUS") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => SecretKey.Parse(p, "MAESTRO_SECRET_KEY_PREVIOUS"))
            .ToArray();
}
