using Maestro.Core.Errors;

namespace Maestro.Data.Embedded;

/// <summary>
/// Runs the server programs as the right account. PostgreSQL refuses to run as root, so when Maestro is root the
/// programs run through runuser as an unprivileged account that owns the data folder.
/// </summary>
internal sealed class ClusterCommands
{
    private const string RunUser = "/usr/sbin/runuser";

    private ClusterCommands(PostgresBinaries binaries, string? runAsUser)
    {
        Binaries = binaries;
        RunAsUser = runAsUser;
    }

    public PostgresBinaries Binaries { get; }

    /// <summary>The account the server runs as when Maestro is root; null when it runs as the current user.</summary>
    public string? RunAsUser { get; }

    public static async Task<ClusterCommands> CreateAsync(PostgresBinaries binaries, string? configuredUser, CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return new ClusterCommands(binaries, null);
        }

        var user = string.IsNullOrWhiteSpace(configuredUser) ? "postgres" : configuredUser.Trim();
        var exists = await ProcessRunner.RunAsync("/usr/bin/id", ["-u", user], TimeSpan.FromSeconds(10), cancellationToken);
        if (!exists.Succeeded || !File.Exists(RunUser))
        {
            throw new MaestroException(
                $"Maestro runs as root, and PostgreSQL must run as an unprivileged account, but account '{user}' {(exists.Succeeded ? "cannot be switched to (runuser is missing)" : "does not exist")}.",
                "Install the postgresql package (it creates the 'postgres' account), set MAESTRO_PG_USER to another account, or run Maestro as a normal user.");
        }

        return new ClusterCommands(binaries, user);
    }

    public Task<ProcessRunner.Result> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsUser is null
            ? ProcessRunner.RunAsync(program, arguments, timeout, cancellationToken)
            : ProcessRunner.RunAsync(RunUser, ["-u", RunAsUser, "--", program, .. arguments], timeout, cancellationToken);

    /// <summary>Creates the folder with mode 0700, owned by the server account.</summary>
    public async Task PrepareDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (RunAsUser is not null)
        {
            var result = await ProcessRunner.RunAsync("/bin/chown", [$"{RunAsUser}:", path], TimeSpan.FromSeconds(10), cancellationToken);
            if (!result.Succeeded)
            {
                throw new MaestroException($"Could not give {path} to account '{RunAsUser}': {result.LastLine}");
            }
        }
    }

    public async Task<bool> CanServerAccountWriteAsync(string path, CancellationToken cancellationToken)
    {
        if (RunAsUser is null)
        {
            return true;
        }

        var result = await RunAsync("/usr/bin/test", ["-w", path, "-a", "-x", path], TimeSpan.FromSeconds(10), cancellationToken);
        return result.Succeeded;
    }
}
