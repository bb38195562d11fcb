using Maestro.Core.Errors;

namespace Maestro.Core.Configuration;

/// <summary>
/// The folder that holds Maestro's own state: the embedded database, the generated secret key, logs.
/// <c>$MAESTRO_HOME</c>, else <c>$XDG_DATA_HOME/maestro</c>, else <c>~/.local/share/maestro</c>.
/// </summary>
public sealed class MaestroHome
{
    public MaestroHome(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    public static MaestroHome FromEnvironment(Func<string, string?> getEnv)
    {
        var explicitHome = getEnv("MAESTRO_HOME");
        if (!string.IsNullOrWhiteSpace(explicitHome))
        {
            return new MaestroHome(explicitHome);
        }

        var xdg = getEnv("XDG_DATA_HOME");
        var dataRoot = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return new MaestroHome(System.IO.Path.Combine(dataRoot, "maestro"));
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates the folder (0700) and proves it is writable, with a one-line error if not.</summary>
    public void EnsureWritable()
    {
        try
        {
            if (!Directory.Exists(Path))
            {
                Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var probe = Combine($".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MaestroException(
                $"MAESTRO_HOME '{Path}' is not writable: {ex.Message}",
                "Set MAESTRO_HOME to a folder you can write to, or fix its permissions.");
        }
    }
}
