namespace Maestro.Data.Embedded;

/// <summary>
/// postmaster.pid as the server writes it: line 1 the PID, 2 the data folder, 4 the port, 5 the socket folder,
/// 8 the status ("starting", "ready", "stopping").
/// </summary>
internal sealed record PostmasterPidFile(int Pid, string DataDirectory, int Port, string SocketDirectory, string Status)
{
    public static PostmasterPidFile? TryRead(string dataDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(dataDirectory, "postmaster.pid"));
        }
        catch (IOException)
        {
            return null;
        }

        if (lines.Length < 5 || !int.TryParse(lines[0].Trim(), out var pid))
        {
            return new PostmasterPidFile(0, dataDirectory, 0, "", "damaged");
        }

        _ = int.TryParse(lines[3].Trim(), out var port);
        var status = lines.Length >= 8 ? lines[7].Trim() : "starting";
        return new PostmasterPidFile(pid, lines[1].Trim(), port, lines[4].Trim(), status);
    }

    /// <summary>
    /// True when the PID belongs to a live postmaster of this data folder. A PID reused by another process after a
    /// crash would otherwise look alive; the postmaster's working directory is its data folder, so compare that.
    /// </summary>
    public bool IsLiveServer(string dataDirectory)
    {
        if (Pid <= 0)
        {
            return false;
        }

        try
        {
            var cwd = new DirectoryInfo($"/proc/{Pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
            return cwd is not null && string.Equals(
                Path.TrimEndingDirectorySeparator(cwd), Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory)), StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process: not ours to use.
            return false;
        }
    }
}
