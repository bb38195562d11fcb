using System.Globalization;

namespace Maestro.Core.Turns;

public sealed class TurnAdmissionOptions
{
    /// <summary>Turns that may run at once in this process (MAESTRO_MAX_RUNNING_TURNS; default <see cref="DefaultLimit"/>).</summary>
    public int MaxRunningTurns { get; init; } = DefaultLimit();

    /// <summary>What a refused start is told to wait before trying again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Sized for the machine: a running turn holds an upstream connection and usually one or two viewer connections,
    /// so the open-file limit (less a reserve for the database pool, files and MCP servers) bounds it to a third of
    /// what is left — half when the turns share HTTP/2 connections to their providers (<paramref name="filesPerTurn"/>
    /// 2); and a turn in flight needs about 256 KB, so memory bounds it too.
    /// </summary>
    public static int DefaultLimit(int filesPerTurn = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filesPerTurn, 1);
        var byFiles = (OpenFileLimit() - 1000) / filesPerTurn;
        var byMemory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (256 * 1024);
        return (int)Math.Clamp(Math.Min(byFiles, byMemory), 16, 100_000);
    }

    /// <summary>The soft limit on open files (RLIMIT_NOFILE) from /proc/self/limits; 1024 when it cannot be read.</summary>
    private static long OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return soft == "unlimited" ? 1_000_000 : long.Parse(soft, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 1024;
    }
}
