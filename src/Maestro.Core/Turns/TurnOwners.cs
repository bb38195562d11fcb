using System.Globalization;

namespace Maestro.Core.Turns;

/// <summary>
/// A turn's owner is "host:pid:start:random", start being the process's start time in clock ticks after boot (field 22
/// of <c>/proc/PID/stat</c>). On the same host a dead owner is certain, so its turns are interrupted at once instead of
/// waiting for the heartbeat to go stale. Dead means: no such process, a zombie (killed but not yet reaped by its
/// parent), or a process that merely reuses the pid (another start time — common after a container restarts, where
/// pids begin again from 1, and the new server may even get the dead one's pid).
/// </summary>
public static class TurnOwners
{
    private static readonly string ThisStart = StartTime(Environment.ProcessId) ?? "0";

    /// <summary>A new owner id for a turn engine of this process.</summary>
    public static string ForThisProcess() =>
        $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}:{ThisStart}:{Guid.NewGuid():N}";

    /// <summary>
    /// This host's name when its processes can be looked up (/proc), else null. Owners on it are then judged by their
    /// process alone, never by their heartbeat: a process that is alive but busy (thousands of turns, a saturated
    /// database) may write its heartbeats late, and interrupting its turns would end answers that are still streaming.
    /// </summary>
    public static string? HostJudgedByProcess { get; } = Directory.Exists("/proc/self") ? Environment.MachineName : null;

    /// <summary>
    /// Whether a turn of <paramref name="owner"/> may be given up for a heartbeat older than the stale limit: owners on
    /// another host (or on this one when its processes cannot be looked up).
    /// </summary>
    public static bool JudgedByHeartbeat(string owner) =>
        HostJudgedByProcess is not { } host || !owner.StartsWith(host + ":", StringComparison.Ordinal);

    public static bool IsDeadOnThisHost(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length < 2 || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        // Owners written before start times were recorded ("host:pid:random") can only be checked by pid.
        var start = parts.Length >= 4 ? parts[2] : null;
        if (pid == Environment.ProcessId)
        {
            // This process is alive; an owner with this pid but another start time was an earlier process.
            return start is not null && start != ThisStart;
        }

        var stat = ReadStat(pid);
        if (stat is null)
        {
            return true;
        }

        var (state, startTime) = stat.Value;
        return state is 'Z' or 'X' or 'x' || (start is not null && startTime is not null && start != startTime);
    }

    /// <summary>State and start time from /proc/PID/stat, or null when there is no such process.</summary>
    private static (char State, string? StartTime)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone (or, without /proc, unknowable: then only the heartbeat decides).
            return Directory.Exists("/proc/self") ? null : ('R', null);
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0].Length > 0 ? fields[0][0] : '?', fields.Length > 19 ? fields[19] : null);
    }

    private static string? StartTime(int pid) => ReadStat(pid)?.StartTime;
}
