using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Gateway;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;

namespace Maestro.Tests.Cli;

/// <summary>`maestro route ...` and `maestro key ...` run as separate processes against a serving gateway's database.</summary>
public sealed class CliGatewayTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "cligw");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_route_and_a_key_made_with_the_cli_serve_an_sdk_and_the_use_is_reported()
    {
        var add = await CliRunner.RunAsync(_bed.Env, "route", "add", "fast", "--to", "anthropic/work/claude-haiku-4-5", "--to", "openai/work/gpt-5-mini");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain("anthropic/work/claude-haiku-4-5, openai/work/gpt-5-mini");

        var routes = await CliRunner.RunAsync(_bed.Env, "route", "list", "--json");
        using (var json = JsonDocument.Parse(routes.Stdout))
        {
            var route = json.RootElement.EnumerateArray().Single();
            route.GetProperty("name").GetString().ShouldBe("fast");
            route.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).ShouldBe(["anthropic/work/claude-haiku-4-5", "openai/work/gpt-5-mini"]);
        }

        var create = await CliRunner.RunAsync(_bed.Env, "key", "create", "editor", "--route", "fast", "--rpm", "100", "--json");
        create.ExitCode.ShouldBe(0, create.ToString());
        string secret;
        using (var json = JsonDocument.Parse(create.Stdout))
        {
            secret = json.RootElement.GetProperty("key").GetString()!;
            json.RootElement.GetProperty("rpm").GetInt32().ShouldBe(100);
        }

        _bed.Script("anthropic/work", new ScriptedResponse { Text = "Through the CLI's key.", Usage = new ScriptedUsage { InputTokens = 7, OutputTokens = 3 } });
        var answer = await _bed.OpenAI(secret).GetChatClient("fast").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);
        answer.Value.Content[0].Text.ShouldBe("Through the CLI's key.");

        var list = await CliRunner.RunAsync(_bed.Env, "key", "list", "--json");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldNotContain(secret);
        list.Stdout.ShouldContain("\"name\": \"editor\"");

        var usage = await WaitForUsageAsync("editor");
        usage.GetProperty("rows").EnumerateArray().Single().GetProperty("input_tokens").GetInt64().ShouldBe(7);

        (await CliRunner.RunAsync(_bed.Env, "key", "revoke", "editor")).ExitCode.ShouldBe(0);
        var again = await CliRunner.RunAsync(_bed.Env, "key", "revoke", "editor");
        again.ExitCode.ShouldBe(1);
        again.Stderr.ShouldContain("was revoked on");
    }

    [Fact]
    public async Task A_route_is_edited_and_renamed_from_the_cli()
    {
        (await CliRunner.RunAsync(_bed.Env, "route", "add", "swap", "--to", "anthropic/work/claude-haiku-4-5", "--to", "openai/work/gpt-5-mini")).ExitCode.ShouldBe(0);

        var edit = await CliRunner.RunAsync(_bed.Env, "route", "edit", "swap", "--to", "openai/work/gpt-5-mini", "--to", "anthropic/work/claude-haiku-4-5", "--rename", "swapped");
        edit.ExitCode.ShouldBe(0, edit.ToString());
        edit.Stdout.ShouldContain("swapped → openai/work/gpt-5-mini, anthropic/work/claude-haiku-4-5");

        var bad = await CliRunner.RunAsync(_bed.Env, "route", "edit", "swapped", "--to", "anthropic/nobody/m");
        bad.ExitCode.ShouldBe(1);
        bad.Stderr.ShouldContain("error: targets: 'anthropic/nobody/m'");
        var nothing = await CliRunner.RunAsync(_bed.Env, "route", "edit", "swapped");
        nothing.ExitCode.ShouldBe(1);
        nothing.Stderr.ShouldContain("Give a new name, new targets, or both.");

        var list = await CliRunner.RunAsync(_bed.Env, "route", "list", "--json");
        using var json = JsonDocument.Parse(list.Stdout);
        var route = json.RootElement.EnumerateArray().Single();
        route.GetProperty("name").GetString().ShouldBe("swapped");
        route.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).ShouldBe(["openai/work/gpt-5-mini", "anthropic/work/claude-haiku-4-5"]);
    }

    [Theory]
    [InlineData(new[] { "route", "add", "bad name!", "--to", "anthropic/work/m" }, "error: name:")]
    [InlineData(new[] { "route", "add", "x" }, "error: targets: Give at least one target")]
    [InlineData(new[] { "route", "add", "x", "--to", "anthropic/nobody/m" }, "error: targets: 'anthropic/nobody/m'")]
    [InlineData(new[] { "key", "create", "k", "--budget", "-3" }, "error: budget_usd:")]
    [InlineData(new[] { "key", "create", "k", "--route", "missing" }, "error: routes: No route named 'missing'")]
    public async Task Bad_input_is_one_clear_line(string[] args, string expected)
    {
        var result = await CliRunner.RunAsync(_bed.Env, args);

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stderr.ShouldContain(expected);
        result.Stderr.ShouldNotContain("   at ");
    }

    /// <summary>The gateway writes usage in batches, off the request path: the report shows it once written.</summary>
    private async Task<JsonElement> WaitForUsageAsync(string key)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await CliRunner.RunAsync(_bed.Env, "key", "usage", key, "--json");
            result.ExitCode.ShouldBe(0, result.ToString());
            using var json = JsonDocument.Parse(result.Stdout);
            if (json.RootElement.GetProperty("rows").GetArrayLength() > 0)
            {
                return json.RootElement.Clone();
            }

            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "the usage was not written");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
