using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Sessions;

/// <summary>
/// Real processes: `maestro serve` killed mid-turn and restarted loses only the in-flight delta; `maestro attach` follows
/// a turn that runs in another process, every character of it; `maestro chat --session` without a terminal denies "ask" tools and says so.
/// </summary>
public sealed class CrashAndAttachTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "crash");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_server_killed_mid_turn_keeps_the_partial_answer_marked_interrupted_after_restart()
    {
        var port = CliProcess.FreePort();
        var serve = CliProcess.Start(_bed.Env.Settings, "serve", "--port", port.ToString(CultureInfo.InvariantCulture));
        await serve.WaitForOutputAsync("Maestro is running");
        using var http = WebServer.ClientFor(port, _bed.Env.Home);
        (await http.PostAsJsonAsync("/api/sessions", new { name = "crashy", auth = "anthropic/bed", model = "synthetic:3000@100", force_model = true, working_directory = _bed.Workdir }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await http.PostAsJsonAsync("/api/sessions/crashy/turns", new { text = "A long answer, please" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        // Wait until part of the answer has been saved (every second), then kill the server without warning.
        await Eventually.UntilAsync(async () => (await AssistantAsync(http))?.GetProperty("blocks").GetArrayLength() > 0, "part of the answer to be saved");
        KillHard(serve);
        await serve.DisposeAsync();

        var port2 = CliProcess.FreePort();
        await using var restarted = CliProcess.Start(_bed.Env.Settings, "serve", "--port", port2.ToString(CultureInfo.InvariantCulture));
        await restarted.WaitForOutputAsync("Maestro is running");
        using var http2 = WebServer.ClientFor(port2, _bed.Env.Home);

        await Eventually.UntilAsync(async () => (await AssistantAsync(http2))?.GetProperty("status").GetString() == "interrupted", "the answer to be marked interrupted");
        var answer = (await AssistantAsync(http2))!.Value;
        answer.GetProperty("blocks")[0].GetProperty("text").GetString()!.Length.ShouldBeGreaterThan(10, "what was saved before the crash is kept");
        using (var all = JsonDocument.Parse(await http2.GetStringAsync("/api/sessions/crashy/messages")))
        {
            all.RootElement[0].GetProperty("role").GetString().ShouldBe("user");
        }

        // The session is usable again: a new turn starts (the crashed one no longer blocks it).
        _bed.Script("anthropic", ScriptedResponse.FromText("Back."));
        (await http2.PatchAsJsonAsync("/api/sessions/crashy", new { model = "claude-sonnet-4-5" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http2.PostAsJsonAsync("/api/sessions/crashy/turns", new { text = "Again" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Attach_follows_a_turn_running_in_the_server_process()
    {
        var port = CliProcess.FreePort();
        await using var serve = CliProcess.Start(_bed.Env.Settings, "serve", "--port", port.ToString(CultureInfo.InvariantCulture));
        await serve.WaitForOutputAsync("Maestro is running");
        using var http = WebServer.ClientFor(port, _bed.Env.Home);
        (await http.PostAsJsonAsync("/api/sessions", new { name = "watched", auth = "gemini/bed", model = "synthetic:1200@40", force_model = true, working_directory = _bed.Workdir }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await http.PostAsJsonAsync("/api/sessions/watched/turns", new { text = "Stream for a while" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        // Long enough (30 s) for the CLI process to start and attach while the answer is still streaming.
        await TextStreamingAsync(http, "watched");

        var attach = await CliRunner.RunAsync(_bed.Env.Settings, ["attach", "watched", "--until-done"], timeout: TimeSpan.FromSeconds(90));

        attach.ExitCode.ShouldBe(0, attach.ToString());
        attach.Stdout.ShouldContain("a turn is in progress");
        using var messages = JsonDocument.Parse(await http.GetStringAsync("/api/sessions/watched/messages"));
        var stored = messages.RootElement.EnumerateArray().Last().GetProperty("blocks")[0].GetProperty("text").GetString()!;
        // Everything the model wrote reached the attached terminal exactly once, in order: the snapshot (what the server
        // saved last), the text written between that save and this process hearing the server (read again from the
        // database), then the live events from the other process.
        attach.Stdout.Contains(stored, StringComparison.Ordinal).ShouldBeTrue($"the whole answer ({stored.Length} characters) in one piece:\n{attach.Stdout}");
        attach.Stderr.ShouldContain("synthetic:1200@40");
    }

    [Fact]
    public async Task Cli_sessions_run_tools_and_deny_asks_without_a_terminal()
    {
        var create = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "create", "cli-agent", "--auth", "openai/bed", "--model", SessionTestBed.Models["openai"], "--workdir", _bed.Workdir, "--tools", "read_file,write_file,list_dir"]);
        create.ExitCode.ShouldBe(0, create.ToString());

        _bed.Script("openai",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path": "cli.txt", "content": "x"}""")),
            ScriptedResponse.FromText("I was not allowed to write."));
        var chat = await CliRunner.RunAsync(_bed.Env.Settings, ["chat", "--session", "cli-agent", "Write cli.txt"]);

        chat.ExitCode.ShouldBe(0, chat.ToString());
        chat.Stdout.ShouldContain("write_file");
        chat.Stdout.ShouldContain("No terminal is attached");
        chat.Stdout.ShouldContain("I was not allowed to write.");
        File.Exists(Path.Combine(_bed.Workdir, "cli.txt")).ShouldBeFalse();

        var list = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "list", "--json"]);
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            var s = json.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "cli-agent");
            s.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).ShouldBe(["read_file", "write_file", "list_dir"]);
        }

        var context = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "context", "cli-agent", "--json"]);
        using (var json = JsonDocument.Parse(context.Stdout))
        {
            json.RootElement.GetProperty("chunks").GetArrayLength().ShouldBe(4);
        }

        var jsonLines = await CliRunner.RunAsync(_bed.Env.Settings, ["chat", "--session", "cli-agent", "--json", "Hi"]);
        jsonLines.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(line => line.StartsWith('{'));

        var bad = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "create", "x y", "--auth", "openai/none", "--model", "m", "--workdir", "/nope"]);
        bad.ExitCode.ShouldBe(1);
        bad.Stderr.ShouldContain("name:");
        bad.Stderr.ShouldContain("working_directory:");
        bad.Stderr.ShouldNotContain("   at ");

        (await CliRunner.RunAsync(_bed.Env.Settings, ["session", "rm", "cli-agent", "--yes"])).ExitCode.ShouldBe(0);
    }

    private static async Task<JsonElement?> AssistantAsync(HttpClient http)
    {
        try
        {
            using var messages = JsonDocument.Parse(await http.GetStringAsync("/api/sessions/crashy/messages"));
            var assistant = messages.RootElement.EnumerateArray().Where(m => m.GetProperty("role").GetString() == "assistant").ToList();
            return assistant.Count == 0 ? null : assistant[0].Clone();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static void KillHard(CliProcess process)
    {
        var pid = process.Pid;
        using var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits (on the session's live events) until the answer is streaming, so an attach lands mid-stream.</summary>
    private static async Task TextStreamingAsync(HttpClient http, string session)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var deltas = 0;
        await foreach (var e in SseClient.ReadAsync(http, $"/api/sessions/{session}/events", null, timeout.Token))
        {
            if (e.Type == "delta" && ++deltas == 10)
            {
                return;
            }
        }
    }
}
