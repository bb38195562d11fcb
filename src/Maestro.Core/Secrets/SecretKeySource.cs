namespace Maestro.Core.Secrets;

/// <summary>Where the secret key comes from: a setting (MAESTRO_SECRET_KEY, SECRET_KEY_BASE) or the embedded key file.</summary>
/// <param name="Setting">The environment variable that holds the key, or null for the key file.</param>
/// <param name="FilePath">The key file, or null when a setting provides the key.</param>
public sealed record SecretKeySource(string? Setting, string? FilePath)
{
    public bool IsKeyFile => FilePath is not null;

    public override string ToString() => Setting ?? FilePath!;
}
