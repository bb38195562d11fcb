using System.Globalization;
using System.Runtime.InteropServices;

namespace Maestro.Bench.Load;

/// <summary>What Linux's /proc says about a process: CPU time used so far and its peak resident memory.</summary>
public static class ProcStat
{
    private static readonly double TickSeconds = 1.0 / Math.Max(1, SysConf(2 /* _SC_CLK_TCK */));

    /// <summary>User + system CPU time of the process (with <paramref name="children"/>, also of its waited-for children).</summary>
    public static TimeSpan Cpu(int pid, bool children = false)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return TimeSpan.Zero;
        }

        // Fields after the command name: [11] utime, [12] stime, [13] cutime, [14] cstime (0-based from the state).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (children)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromSeconds(ticks * TickSeconds);
    }

    /// <summary>The parent process id.</summary>
    public static int ParentOf(int pid) => StatFields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : -1;

    /// <summary>
    /// CPU of a process tree whose children come and go (PostgreSQL's backends): the parent's own and waited-for
    /// children's time, plus the live children's.
    /// </summary>
    public static TimeSpan TreeCpu(int parent)
    {
        var total = Cpu(parent, children: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) == parent)
            {
                total += Cpu(pid);
            }
        }

        return total;
    }

    /// <summary>Peak resident set size (VmHWM), in bytes; 0 when the process is gone.</summary>
    public static long PeakRss(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>Current resident set size (VmRSS), in bytes.</summary>
    public static long Rss(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>How many files the process has open.</summary>
    public static int OpenFiles(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static long StatusKilobytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>The fields of /proc/pid/stat after "pid (comm)", which may itself contain spaces and parentheses.</summary>
    private static string[]? StatFields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        var end = text.LastIndexOf(')');
        return end < 0 ? null : text[(end + 2)..].Split(' ');
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long SysConf(int name);
}
