using System.Diagnostics;
using System.Text;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// The `maestro` CLI on a pseudo-terminal, as a user at a terminal runs it: `script` (util-linux) gives it a pty of a
/// fixed size, the test types keys (raw bytes, escape sequences included) and reads what the terminal shows.
/// </summary>
public sealed class PtyProcess : IAsyncDisposable
{
    public const int Columns = 100;

    public const int Rows = 40;

    private readonly Process _process;
    private readonly StringBuilder _raw = new();
    private readonly Task _pump;

    private PtyProcess(Process process)
    {
        _process = process;
        _pump = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (_raw)
                {
                    _raw.Append(buffer, 0, read);
                }
            }
        });
    }

    /// <summary>Everything written to the terminal, escape sequences included.</summary>
    public string Raw
    {
        get
        {
            lock (_raw)
            {
                return _raw.ToString();
            }
        }
    }

    /// <summary>What the terminal shows, line by line.</summary>
    public TerminalScreen Screen
    {
        get
        {
            var screen = new TerminalScreen(Columns);
            screen.Feed(Raw);
            return screen;
        }
    }

    public static PtyProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Start(environment, null, arguments);

    /// <summary>Keys from the terminal, but standard output into <paramref name="outputFile"/> (as `maestro … > file`).</summary>
    public static PtyProcess StartWithOutputTo(IReadOnlyDictionary<string, string?> environment, string outputFile, params string[] arguments) =>
        Start(environment, outputFile, arguments);

    private static PtyProcess Start(IReadOnlyDictionary<string, string?> environment, string? outputFile, string[] arguments)
    {
        var command = new StringBuilder($"stty cols {Columns} rows {Rows} && exec dotnet {Quote(Path.Combine(AppContext.BaseDirectory, "maestro.dll"))}");
        foreach (var argument in arguments)
        {
            command.Append(' ').Append(Quote(argument));
        }

        if (outputFile is not null)
        {
            command.Append(" > ").Append(Quote(outputFile));
        }

        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[] { "--quiet", "--flush", "--return", "--command", command.ToString(), "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "DATABASE_URL", "MAESTRO_SECRET_KEY", "SECRET_KEY_BASE", "HTTP_DEBUG", "PORT", "MAESTRO_HOME", "COLUMNS", "LINES", "MAESTRO_ACCESS_TOKEN", "MAESTRO_AUTH", "MAESTRO_PUBLIC_URL" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["TERM"] = "xterm-256color";
        start.Environment["SHELL"] = "/bin/sh";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        return new PtyProcess(Process.Start(start)!);
    }

    /// <summary>Types <paramref name="keys"/> (use "\r" for Enter, "\u001b[A" for Up, "\u0015" for Ctrl+U…).</summary>
    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the terminal output holds <paramref name="text"/> at least <paramref name="times"/> times.</summary>
    public async Task WaitForAsync(string text, int times = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (Count(Raw, text) < times)
        {
            if (_process.HasExited)
            {
                await _pump;
                if (Count(Raw, text) >= times)
                {
                    return;
                }

                throw new InvalidOperationException($"maestro exited ({_process.ExitCode}) before showing '{text}' {times}×:\n{Screen.Text}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"maestro did not show '{text}' {times}×:\n{Screen.Text}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Waits for the REPL's prompt to be shown empty for the <paramref name="nth"/> time, ready for keys.</summary>
    public Task WaitForPromptAsync(int nth) => WaitForAsync("› \u001b[K", nth);

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        await _pump;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int Count(string haystack, string needle)
    {
        var count = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
