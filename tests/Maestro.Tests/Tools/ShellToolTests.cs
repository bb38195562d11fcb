using System.Text.RegularExpressions;
using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;

namespace Maestro.Tests.Tools;

/// <summary>Real bash processes: output, exit codes, timeouts and cancellation that leave no process behind.</summary>
public sealed partial class ShellToolTests : IDisposable
{
    private readonly ToolWorkspace _ws = new(new ToolLimits { ShellTimeout = TimeSpan.FromSeconds(60), MaxShellTimeout = TimeSpan.FromSeconds(120) });

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Stdout_and_stderr_arrive_together_in_order_with_the_exit_code()
    {
        var result = await _ws.RunAsync("shell", new { command = "echo one; echo two >&2; echo three; ls /no/such/dir" });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldStartWith("one\ntwo\nthree\nls: cannot access '/no/such/dir'");
        result.Text.ShouldEndWith("\n\n[exit code 2]");
        result.Summary.ShouldBe("exit 2");
        result.Details!["exit_code"].ShouldBe(2);
    }

    [Fact]
    public async Task A_non_zero_exit_is_a_normal_result_that_names_the_exit_code()
    {
        var result = await _ws.RunAsync("shell", new { command = "exit 3" });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldBe("(no output)\n\n[exit code 3]");
    }

    [Fact]
    public async Task The_command_runs_in_the_working_directory_with_stdin_closed()
    {
        _ws.Write("here.txt", "x");

        var result = await _ws.RunAsync("shell", new { command = "pwd; ls; read line; echo \"read=$?\"; cat; echo done" });

        result.Text.ShouldBe($"{_ws.Root}\nhere.txt\nread=1\ndone\n\n[exit code 0]");
    }

    [Fact]
    public async Task The_environment_is_inherited_but_plain_and_never_carries_secret_looking_variables()
    {
        var result = await _ws.RunAsync("shell", new { command = "echo \"path=${PATH:+set} home=${HOME:+set} color=$NO_COLOR term=$TERM\"; env | cut -d= -f1 | sort" });

        result.Text.ShouldStartWith("path=set home=set color=1 term=dumb\n");
        var names = result.Text.Split('\n');
        names.Where(ToolEnvironment.LooksSecret).ShouldBeEmpty();
    }

    [Fact]
    public void The_start_info_drops_secret_looking_variables_unless_the_session_passes_them()
    {
        // The test process cannot safely set DATABASE_URL for itself (parallel tests read it), so check the filter directly.
        var environment = new Dictionary<string, string?>
        {
            ["MAESTRO_SECRET_KEY"] = "k",
            ["MAESTRO_SECRET_KEY_PREVIOUS"] = "old",
            ["MAESTRO_ACCESS_TOKEN"] = "t",
            ["SECRET_KEY_BASE"] = "b",
            ["DATABASE_URL"] = "postgres://secret",
            ["OPENAI_API_KEY"] = "sk-x",
            ["GEMINI_OAUTH_CLIENT_SECRET"] = "s",
            ["github_token"] = "ghp",
            ["PGPASSWORD"] = "pw",
            ["AWS_SECRET_ACCESS_KEY"] = "aws",
            ["GOOGLE_APPLICATION_CREDENTIALS"] = "/key.json",
            ["NPM_TOKEN"] = "npm",
            ["NPM_AUTH_TOKEN"] = "npm2",
            ["DEPLOY_KEY"] = "d",
            ["PATH"] = "/usr/bin",
            ["LANG"] = "C.UTF-8",
        };

        ShellTool.PrepareEnvironment(environment, ["NPM_*", "DEPLOY_KEY"]);

        environment.Keys.Order(StringComparer.Ordinal).ShouldBe(
            ["DEPLOY_KEY", "GIT_PAGER", "GIT_TERMINAL_PROMPT", "LANG", "NO_COLOR", "NPM_AUTH_TOKEN", "NPM_TOKEN", "PAGER", "PATH", "TERM"]);
        environment["GIT_PAGER"].ShouldBe("cat");
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree_and_returns_the_output_so_far()
    {
        var result = await _ws.RunAsync("shell", new
        {
            command = """
                sleep 300 & echo "pid=$!"
                bash -c 'sleep 300 & echo "pid=$!"'
                sh -c 'echo "pid=$$"; exec sleep 300'
                """,
            timeout_seconds = 3,
        });

        result.IsError.ShouldBeTrue();
        result.Summary.ShouldBe("timed out after 3 s");
        result.Text.ShouldContain("[Timed out after 3 s: the command and every process it started were stopped");
        result.Details!["timed_out"].ShouldBe(true);
        var pids = Pids(result.Text);
        pids.Count.ShouldBe(3);
        foreach (var pid in pids)
        {
            (await GoneAsync(pid)).ShouldBeTrue($"sleep {pid} survived the timeout");
        }
    }

    [Fact]
    public async Task Background_processes_left_running_when_the_command_ends_are_stopped()
    {
        var result = await _ws.RunAsync("shell", new { command = "sleep 300 & echo \"pid=$!\"; echo started" });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldEndWith("started\n\n[exit code 0]");
        (await GoneAsync(Pids(result.Text).Single())).ShouldBeTrue();
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        using var cancellation = new CancellationTokenSource();
        var run = _ws.RunAsync("shell", new { command = "echo $$ > main.pid; sleep 300 & echo $! > background.pid; wait" }, cancellation.Token);
        for (var attempt = 0; !File.Exists(_ws.PathOf("background.pid")) || _ws.Read("background.pid").Length == 0; attempt++)
        {
            attempt.ShouldBeLessThan(500, "the command did not start");
            await Task.Delay(20);
        }

        await cancellation.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => run);
        (await GoneAsync(int.Parse(_ws.Read("main.pid").Trim()))).ShouldBeTrue();
        (await GoneAsync(int.Parse(_ws.Read("background.pid").Trim()))).ShouldBeTrue();
    }

    [Fact]
    public async Task Long_output_keeps_its_head_and_tail_and_notes_the_total_size()
    {
        _ws.Context = new Core.Tools.ToolContext { WorkingDirectory = _ws.Root, SessionId = Guid.NewGuid(), Limits = new ToolLimits { MaxOutputChars = 2_000 } };
        var total = Enumerable.Range(1, 100_000).Sum(i => i.ToString().Length + 1);

        var result = await _ws.RunAsync("shell", new { command = "seq 1 100000" });

        result.Text.ShouldStartWith("1\n2\n3\n");
        result.Text.ShouldContain($" of {total:N0} characters omitted …]");
        result.Text.ShouldEndWith("99999\n100000\n\n[exit code 0]");
        result.Text.Length.ShouldBeLessThan(2_200);
        result.Details!["output_chars"].ShouldBe((long)total);
    }

    [Fact]
    public async Task Timeouts_are_validated_and_capped()
    {
        _ws.Context = new Core.Tools.ToolContext { WorkingDirectory = _ws.Root, SessionId = Guid.NewGuid(), Limits = new ToolLimits { MaxShellTimeout = TimeSpan.FromSeconds(5) } };

        var capped = await _ws.RunAsync("shell", new { command = "echo hi", timeout_seconds = 100_000 });
        capped.Text.ShouldBe("hi\n\n[timeout_seconds was capped at 5.]\n[exit code 0]");

        (await _ws.RefusedAsync("shell", new { command = "echo hi", timeout_seconds = 0 })).Argument.ShouldBe("timeout_seconds");
        (await _ws.RefusedAsync("shell", new { command = "echo hi", timeout_seconds = "ten" })).Argument.ShouldBe("timeout_seconds");
        (await _ws.RefusedAsync("shell", new { command = "  " })).Argument.ShouldBe("command");
        (await _ws.RefusedAsync("shell", new { })).Argument.ShouldBe("command");
    }

    private static List<int> Pids(string text) => PidPattern().Matches(text).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    /// <summary>
    /// Waits (bounded) until a process no longer runs. Killed orphans may stay zombies here, since this machine's init
    /// does not reap them; a zombie is dead.
    /// </summary>
    private static async Task<bool> GoneAsync(int pid)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return true;
            }

            // "pid (comm) S ...": the state follows the last ')'.
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            if (state is 'Z' or 'X')
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();
}
