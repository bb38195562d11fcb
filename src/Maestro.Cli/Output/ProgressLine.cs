using System.Diagnostics;

namespace Maestro.Cli.Output;

/// <summary>
/// Progress of long work on standard error (standard output stays free for data, e.g. `maestro backup -`): one line
/// redrawn in place on a terminal; otherwise whole lines, the first at once and then at most one a second, so logs
/// and scripts see it move without drowning in it.
/// </summary>
public sealed class ProgressLine(TextWriter stderr, bool terminal)
{
    private static readonly TimeSpan Throttle = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _sinceLast = new();
    private bool _drawn;

    public static ProgressLine ForStderr() => new(Console.Error, !Console.IsErrorRedirected);

    /// <summary>Shows <paramref name="text"/> (skipped when the last report was too recent, unless it is a milestone).</summary>
    public void Report(string text, bool milestone = false)
    {
        if (_sinceLast.IsRunning && _sinceLast.Elapsed < (terminal ? TimeSpan.FromMilliseconds(100) : Throttle) && !milestone)
        {
            return;
        }

        _sinceLast.Restart();
        if (terminal)
        {
            stderr.Write($"\r\u001b[2K{text}");
            _drawn = true;
        }
        else
        {
            stderr.WriteLine(text);
        }

        stderr.Flush();
    }

    /// <summary>Clears the redrawn line, so what follows starts on a clean one.</summary>
    public void Clear()
    {
        if (terminal && _drawn)
        {
            stderr.Write("\r\u001b[2K");
            stderr.Flush();
            _drawn = false;
        }
    }

    public static string Percent(long done, long total) =>
        total <= 0 ? "" : $" ({Math.Min(100, done * 100 / total)}%)";
}
