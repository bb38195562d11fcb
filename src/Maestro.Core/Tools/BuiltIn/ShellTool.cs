using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// shell: <c>bash -c &lt;command&gt;</c> in the working directory, in a session of its own (<c>setsid</c>) so a timeout,
/// a cancellation or the command's end stops every process it started, background jobs included.
/// </summary>
public sealed class ShellTool : MaestroTool
{
    public const string ToolName = "shell";

    /// <summary>Maestro's own secrets; a command (or whatever it downloads) has no business reading them.</summary>
    public static readonly IReadOnlyList<string> HiddenVariables = ["MAESTRO_SECRET_KEY", "SECRET_KEY_BASE", "DATABASE_URL"];

    /// <summary>
    /// Once the command has ended, how long its last output may take to arrive. Only a daemon that left the session
    /// while holding the output pipe makes this matter; its output is not waited for beyond this.
    /// </summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    public ShellTool(ToolLimits limits)
    {
        var defaultSeconds = Seconds(Min(limits.ShellTimeout, limits.MaxShellTimeout));
        var maxSeconds = Seconds(limits.MaxShellTimeout);
        Definition = new ToolDefinition(
            ToolName,
            $"Runs a bash command line (`bash -c`) in the session's working directory and returns its output (stdout and stderr " +
            $"together, in order) followed by the exit code. A non-zero exit code is reported, not treated as a tool failure. " +
            $"Each call starts a fresh shell: `cd` and variables do not carry over, so chain commands with `&&`. Stdin is closed: " +
            $"interactive prompts fail, so pass flags such as `--yes` or `--no-pager`. The command is stopped after " +
            $"{defaultSeconds} s unless you set timeout_seconds (at most {maxSeconds} s); on a timeout it and every process it " +
            $"started are stopped and the output so far is returned. Background processes still running when the command ends " +
            $"are stopped too; to leave a server running, start it with `setsid nohup <command> > server.log 2>&1 &`. Output " +
            $"longer than {limits.MaxOutputChars:N0} characters keeps its beginning and end. The shell is not confined to the " +
            $"working directory, but prefer read_file, write_file, edit_file, list_dir, glob and grep for files.",
            ToolSchema.Parse($$"""
                {
                  "type": "object",
                  "properties": {
                    "command": {
                      "type": "string",
                      "description": "The bash command line to run, e.g. \"dotnet test 2>&1 | tail -n 30\"."
                    },
                    "timeout_seconds": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": {{maxSeconds}},
                      "description": "Stop the command after this many seconds (default {{defaultSeconds}}, at most {{maxSeconds}})."
                    }
                  },
                  "required": ["command"]
                }
                """),
            ToolEffect.Executes);
    }

    public override ToolDefinition Definition { get; }

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var command = call.RequireString("command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ToolArgumentException("command", "is empty; pass the bash command line to run");
        }

        var limits = context.Limits;
        var maxSeconds = Seconds(limits.MaxShellTimeout);
        var requested = call.GetInt("timeout_seconds");
        if (requested is < 1)
        {
            throw new ToolArgumentException("timeout_seconds", $"must be at least 1 (leave it out for the default of {Seconds(limits.ShellTimeout)} s, at most {maxSeconds})");
        }

        var timeout = requested is { } seconds
            ? TimeSpan.FromSeconds(Math.Min(seconds, maxSeconds))
            : Min(limits.ShellTimeout, limits.MaxShellTimeout);
        return await ToolFailures.GuardAsync(() => RunAsync(command, timeout, capped: requested > maxSeconds, context, cancellationToken));
    }

    private static async Task<ToolResult> RunAsync(string command, TimeSpan timeout, bool capped, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        using var process = new Process { StartInfo = CreateStartInfo(command, workspace.Root) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return ToolResult.Error($"Could not start bash through setsid: {e.Message}. Maestro needs bash and setsid (util-linux) on the PATH.");
        }

        process.StandardInput.Close();

        // The command's stderr is merged into stdout by the wrapper, so stderr carries only setsid's or bash's own complaints.
        var output = new BoundedOutput(context.Limits.MaxOutputChars);
        var gate = new Lock();
        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput, output, gate), PumpAsync(process.StandardError, output, gate));

        var timedOut = false;
        using (var timeoutSource = new CancellationTokenSource(timeout, context.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token))
        {
            try
            {
                await process.WaitForExitAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                KillTree(process);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }
        }

        // Whatever the command left running in its session goes with it: a tool call leaves nothing behind.
        _ = NativeMethods.Kill(-process.Id, NativeMethods.SigKill);
        var complete = await Task.WhenAny(pumps, Task.Delay(DrainGrace, context.Time, CancellationToken.None)) == pumps;

        string text;
        long totalChars;
        lock (gate)
        {
            text = output.ToString().TrimEnd('\n');
            totalChars = output.TotalChars;
        }

        var report = new StringBuilder(text.Length == 0 ? "(no output)" : text).Append("\n\n");
        if (!complete)
        {
            report.Append("[Output of a process that left the command's session was not collected.]\n");
        }

        if (capped)
        {
            report.Append(CultureInfo.InvariantCulture, $"[timeout_seconds was capped at {Seconds(context.Limits.MaxShellTimeout)}.]\n");
        }

        var details = new Dictionary<string, object?> { ["timed_out"] = timedOut, ["output_chars"] = totalChars };
        if (timedOut)
        {
            report.Append(
                $"[Timed out after {Seconds(timeout)} s: the command and every process it started were stopped; the output so far is above. " +
                $"For a long job raise timeout_seconds (at most {Seconds(context.Limits.MaxShellTimeout)}) or run it in the background " +
                "with its output sent to a file that you read later.]");
            return new ToolResult(report.ToString(), IsError: true, Summary: $"timed out after {Seconds(timeout)} s", details);
        }

        details["exit_code"] = process.ExitCode;
        report.Append(CultureInfo.InvariantCulture, $"[exit code {process.ExitCode}]");
        return new ToolResult(report.ToString(), Summary: $"exit {process.ExitCode}", Details: details);
    }

    private static ProcessStartInfo CreateStartInfo(string command, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        // setsid execs bash in place (our child is never a group leader), so bash's pid is the session and group id.
        // The outer bash merges stderr into stdout, one pipe, so both arrive in the order they were written.
        foreach (var argument in (string[])["bash", "-c", "exec bash -c \"$1\" 2>&1", "maestro-shell", command])
        {
            startInfo.ArgumentList.Add(argument);
        }

        PrepareEnvironment(startInfo.Environment);
        return startInfo;
    }

    /// <summary>The inherited environment without Maestro's secrets, set up for plain, non-interactive output.</summary>
    internal static void PrepareEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var name in HiddenVariables)
        {
            environment.Remove(name);
        }

        // No colour codes, no pagers, no credential prompts.
        environment["NO_COLOR"] = "1";
        environment["TERM"] = "dumb";
        environment["PAGER"] = "cat";
        environment["GIT_PAGER"] = "cat";
        environment["GIT_TERMINAL_PROMPT"] = "0";
    }

    private static void KillTree(Process process)
    {
        // The tree first, while parent links still exist (it catches children that started sessions of their own),
        // then the process group, which catches background jobs whose parent already exited.
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _ = NativeMethods.Kill(-process.Id, NativeMethods.SigKill);
    }

    private static async Task PumpAsync(StreamReader reader, BoundedOutput output, Lock gate)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                lock (gate)
                {
                    output.Append(buffer.AsSpan(0, read));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was disposed while a straggler still held the pipe.
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static int Seconds(TimeSpan value) => (int)Math.Ceiling(value.TotalSeconds);
}
