using System.Text.RegularExpressions;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>
/// The CLI's everyday messages: plural command names, a session without --model, a provider that is down reported
/// once, hints that name the command the way the user runs it, and output that does not wrap in a pipe.
/// </summary>
public sealed partial class CliMessagesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private CliEmulatorBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await CliEmulatorBed.StartAsync(postgres, "climsg", "key-cli-messages");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Plural_nouns_work_and_a_session_without_a_model_gets_the_one_chat_picks()
    {
        var create = await CliRunner.RunAsync(_bed.Env, "sessions", "create", "no-model", "--auth", "anthropic/emu");
        create.ExitCode.ShouldBe(0, create.ToString());
        var model = CreatedModel().Match(create.Stdout).Groups["model"].Value;
        model.ShouldNotBeNullOrWhiteSpace(create.ToString());

        var chat = await CliRunner.RunAsync(_bed.Env, "chat", "anthropic/emu", "Which model?");
        chat.ExitCode.ShouldBe(0, chat.ToString());
        chat.Stderr.ShouldContain(model);

        var list = await CliRunner.RunAsync(_bed.Env, "sessions", "list");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldContain("no-model");
        (await CliRunner.RunAsync(_bed.Env, "auths", "list")).Stdout.ShouldContain("anthropic/emu");
        (await CliRunner.RunAsync(_bed.Env, "prompts", "list")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_provider_that_is_down_is_reported_once_without_retry_log_lines()
    {
        var port = CliProcess.FreePort();
        var add = await CliRunner.RunAsync(_bed.Env.Settings, ["auth", "add", "anthropic", "down", "--api-key-stdin", "--base-url", $"http://127.0.0.1:{port}"], "key-down");
        add.ExitCode.ShouldBe(0, add.ToString());

        var chat = await CliRunner.RunAsync(_bed.Env, "chat", "anthropic/down", "Hello");
        chat.ExitCode.ShouldNotBe(0, chat.ToString());
        var lines = chat.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldBe(1, chat.ToString());
        lines.ShouldNotContain(l => Timestamped().IsMatch(l) || l.Contains("warn", StringComparison.OrdinalIgnoreCase), chat.ToString());
        chat.Stderr.ShouldContain($"127.0.0.1:{port}", customMessage: chat.ToString());

        // MAESTRO_DEBUG shows what was retried.
        var debug = await CliRunner.RunAsync(new Dictionary<string, string?>(_bed.Env.Settings) { ["MAESTRO_DEBUG"] = "1" }, ["chat", "anthropic/down", "--model", "claude-sonnet-4-5", "Hello"]);
        debug.ExitCode.ShouldNotBe(0, debug.ToString());
        debug.Stderr.Split('\n').ShouldContain(l => Timestamped().IsMatch(l), debug.ToString());
    }

    [Fact]
    public async Task Hints_name_the_command_as_it_was_run()
    {
        var clone = new Dictionary<string, string?>(_bed.Env.Settings) { ["MAESTRO_INVOKED_AS"] = "./maestro" };
        var missing = await CliRunner.RunAsync(clone, ["session", "show", "nosuch"]);
        missing.ExitCode.ShouldNotBe(0);
        missing.Stderr.ShouldContain("`./maestro session list`", customMessage: missing.ToString());

        var help = await CliRunner.RunAsync(clone, ["chat", "--help"]);
        help.Stdout.ShouldContain("./maestro models <auth>", customMessage: help.ToString());

        var installed = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "show", "nosuch"]);
        installed.Stderr.ShouldContain("`maestro session list`", customMessage: installed.ToString());
    }

    [Fact]
    public async Task Output_in_a_pipe_keeps_long_lines_whole()
    {
        var port = CliProcess.FreePort();
        await using var emulate = CliProcess.Start(
            new Dictionary<string, string?>(_bed.Env.Settings) { ["MAESTRO_INVOKED_AS"] = "./maestro", ["COLUMNS"] = null },
            "emulate", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await emulate.WaitForOutputAsync("Ctrl+C stops");

        emulate.Output.Split('\n').ShouldContain(
            l => l.Trim() == $"echo demo-key | ./maestro auth add anthropic demo --api-key-stdin --base-url http://127.0.0.1:{port}/anthropic",
            emulate.Output);
        emulate.Output.ShouldContain("./maestro chat anthropic/demo \"Hello\"");
    }

    [Fact]
    public async Task Context_chunks_are_shown_and_removed_by_short_id()
    {
        (await CliRunner.RunAsync(_bed.Env, "session", "create", "short-ids", "--auth", "anthropic/emu", "--model", "synthetic:5", "--force-model")).ExitCode.ShouldBe(0);
        var turn = await CliRunner.RunAsync(_bed.Env, "chat", "--session", "short-ids", "A first question");
        turn.ExitCode.ShouldBe(0, turn.ToString());

        var json = await CliRunner.RunAsync(_bed.Env, "session", "context", "short-ids", "--json");
        var ids = System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement.GetProperty("chunks").EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).ToList();
        ids.Count.ShouldBeGreaterThanOrEqualTo(2, json.ToString());
        var shortId = ids[0].ToString("N")[^8..];

        var table = await CliRunner.RunAsync(_bed.Env, "session", "context", "short-ids");
        table.Stdout.ShouldContain(shortId);
        table.Stdout.ShouldNotContain(ids[0].ToString());

        var wrong = await CliRunner.RunAsync(_bed.Env, "session", "context", "short-ids", "--rm", "zz");
        wrong.ExitCode.ShouldNotBe(0);
        wrong.Stderr.ShouldContain("8 characters", customMessage: wrong.ToString());

        var removed = await CliRunner.RunAsync(_bed.Env, "session", "context", "short-ids", "--rm", shortId);
        removed.ExitCode.ShouldBe(0, removed.ToString());
        removed.Stdout.ShouldContain("Removed");
        removed.Stdout.ShouldNotContain(shortId);
    }

    [GeneratedRegex(@"Created session no-model \(anthropic/emu, (?<model>[^)]+)\)")]
    private static partial Regex CreatedModel();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d ")]
    private static partial Regex Timestamped();
}
