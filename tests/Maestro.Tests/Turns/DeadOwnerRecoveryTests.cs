using System.Diagnostics;
using System.Globalization;
using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Turns;

/// <summary>
/// A turn whose process died on this host is over at once: when the server starts, not after the heartbeat goes
/// stale. Dead means gone, a zombie, or a pid now used by another process.
/// </summary>
public sealed class DeadOwnerRecoveryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "deadowner");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_turn_of_a_killed_cli_is_interrupted_as_soon_as_the_server_has_started()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "killed", new SessionSpec { Model = "synthetic:5000@20" });
        await using var cli = CliProcess.Start(_bed.Env.Settings, "chat", "--session", "killed", "Tell me a long story");
        await cli.WaitForOutputAsync("synthetic");
        var running = await _bed.Get<ITurnStore>().GetRunningAsync(session.Id, CancellationToken.None);
        running.ShouldNotBeNull();
        running.Owner.Split(':').Length.ShouldBe(4, "host:pid:start:random");

        using (var kill = Process.Start("kill", ["-KILL", cli.Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await cli.WaitForExitAsync();

        // No waiting: starting the server is what recovers it.
        var starting = Stopwatch.StartNew();
        await using var server = await WebServer.StartAsync(_bed.Env);
        var turn = await _bed.Get<ITurnStore>().GetAsync(running.Id, CancellationToken.None);
        var figures = $"the killed CLI's turn was {turn!.Status} {starting.ElapsedMilliseconds} ms after the server began starting";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        TestContext.Current.SendDiagnosticMessage(figures);
        turn.Status.ShouldBe(TurnStatus.Interrupted);
        turn.Error.ShouldBe("The process running this turn stopped before it finished.");
        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        var messages = await _bed.Get<ConversationService>().MessagesAsync(fresh, null, null, 100, CancellationToken.None);
        messages.Where(m => m.Role == MessageRole.Assistant).ShouldAllBe(m => m.Status == MessageStatus.Interrupted);
    }

    [Fact]
    public async Task Zombies_and_reused_pids_count_as_dead_owners_and_live_processes_do_not()
    {
        // `sleep 1 &` exits after a second, and its parent then becomes `sleep 600`, which never reaps it: a zombie.
        var start = new ProcessStartInfo("sh", ["-c", "sleep 1 & echo $!; exec sleep 600"]) { RedirectStandardOutput = true };
        using var parent = Process.Start(start)!;
        try
        {
            var zombie = int.Parse((await parent.StandardOutput.ReadLineAsync())!, CultureInfo.InvariantCulture);
            var clock = Stopwatch.StartNew();
            while (State(zombie) != 'Z' && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20); // The child's exit is another process's business: nothing to wait on but its state.
            }

            State(zombie).ShouldBe('Z');
            var host = Environment.MachineName;
            TurnOwners.IsDeadOnThisHost($"{host}:{zombie}:{StartTime(zombie)}:x").ShouldBeTrue("a zombie is dead");

            var live = parent.Id;
            TurnOwners.IsDeadOnThisHost($"{host}:{live}:{StartTime(live)}:x").ShouldBeFalse("a live process owns its turns");
            TurnOwners.IsDeadOnThisHost($"{host}:{live}:1:x").ShouldBeTrue("the same pid started at another time is another process");
            TurnOwners.IsDeadOnThisHost($"{host}:{live}:x").ShouldBeFalse("owners without a start time are checked by pid only");
            TurnOwners.IsDeadOnThisHost($"{host}:{Environment.ProcessId}:1:x").ShouldBeTrue("an earlier process with this process's pid");
            TurnOwners.IsDeadOnThisHost(TurnOwners.ForThisProcess()).ShouldBeFalse();
            TurnOwners.IsDeadOnThisHost($"another-host:{zombie}:1:x").ShouldBeFalse("other hosts are left to the heartbeat");
        }
        finally
        {
            parent.Kill();
            await parent.WaitForExitAsync();
        }
    }

    private static string[] Stat(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return text[(text.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static char State(int pid) => Stat(pid)[0][0];

    private static string StartTime(int pid) => Stat(pid)[19];
}
