using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>`maestro providers add|edit|rm` run as separate processes, and a running server that follows them.</summary>
public sealed class CliProviderTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await MaestroTestEnvironment.CreateAsync(postgres, "cliproviders");

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Add_list_edit_and_remove_with_a_running_server_following_along()
    {
        await using var server = await WebServer.StartAsync(_env);

        var add = await CliRunner.RunAsync(_env, "providers", "add", "local-llm", "--base-url", "http://127.0.0.1:9/v1", "--no-key", "--name", "Local LLM",
            "--default-model", "llama3.1");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain("Added local-llm");
        add.Stdout.ShouldContain("auth add local-llm NAME");

        // The server hears of it from the other process, without a restart.
        await Eventually.UntilAsync(async () => (await server.Client.GetStringAsync("/api/providers")).Contains("\"local-llm\"", StringComparison.Ordinal),
            "the server to list the provider the CLI added");

        var table = await CliRunner.RunAsync(_env, "providers");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("Source");
        table.Stdout.ShouldContain("local-llm");
        table.Stdout.ShouldContain("settings");
        table.Stdout.ShouldContain("built-in");

        var edit = await CliRunner.RunAsync(_env, "providers", "edit", "local-llm", "--base-url", "http://127.0.0.1:8/v1", "--json");
        edit.ExitCode.ShouldBe(0, edit.ToString());
        using (var json = JsonDocument.Parse(edit.Stdout))
        {
            json.RootElement.GetProperty("base_url").GetString().ShouldBe("http://127.0.0.1:8/v1");
            json.RootElement.GetProperty("display_name").GetString().ShouldBe("Local LLM");
            json.RootElement.GetProperty("api_key_required").GetBoolean().ShouldBeFalse();
        }

        await Eventually.UntilAsync(async () => (await server.Client.GetStringAsync("/api/settings/providers/local-llm")).Contains("127.0.0.1:8", StringComparison.Ordinal),
            "the server to see the edit");

        var auth = await CliRunner.RunAsync(_env, "auth", "add", "local-llm", "box");
        auth.ExitCode.ShouldBe(0, auth.ToString());
        var refused = await CliRunner.RunAsync(_env, "providers", "rm", "local-llm");
        refused.ExitCode.ShouldNotBe(0);
        refused.Stderr.ShouldContain("local-llm/box");
        refused.Stderr.ShouldContain("auth rm local-llm/box");

        (await CliRunner.RunAsync(_env, "auth", "rm", "local-llm/box")).ExitCode.ShouldBe(0);
        var rm = await CliRunner.RunAsync(_env, "providers", "rm", "local-llm");
        rm.ExitCode.ShouldBe(0, rm.ToString());
        await Eventually.UntilAsync(async () => !(await server.Client.GetStringAsync("/api/providers")).Contains("\"local-llm\"", StringComparison.Ordinal),
            "the server to drop the removed provider");
    }

    [Fact]
    public async Task Mistakes_name_the_option_and_help_explains()
    {
        var bad = await CliRunner.RunAsync(_env, "providers", "add", "x1", "--base-url", "localhost:11434", "--max-tokens-field", "tokens");
        bad.ExitCode.ShouldNotBe(0);
        bad.Stderr.ShouldContain("--base-url: 'localhost:11434' is not an absolute http(s) URL");
        bad.Stderr.ShouldContain("--max-tokens-field:");
        bad.Stderr.ShouldNotContain("   at ");

        var builtIn = await CliRunner.RunAsync(_env, "providers", "add", "openai", "--base-url", "http://127.0.0.1:9/v1");
        builtIn.ExitCode.ShouldNotBe(0);
        builtIn.Stderr.ShouldContain("built-in provider");

        var nothing = await CliRunner.RunAsync(_env, "providers", "edit", "ghost");
        nothing.ExitCode.ShouldNotBe(0);
        nothing.Stderr.ShouldContain("Nothing to change");

        var missing = await CliRunner.RunAsync(_env, "providers", "edit", "ghost", "--default-model", "m");
        missing.ExitCode.ShouldNotBe(0);
        missing.Stderr.ShouldContain("No saved OpenAI-compatible provider 'ghost'");

        var help = await CliRunner.RunAsync(_env, "providers", "add", "--help");
        help.ExitCode.ShouldBe(0, help.ToString());
        help.Stdout.ShouldContain("--base-url");
        help.Stdout.ShouldContain("--no-key");
        help.Stdout.ShouldContain("providers add ollama");
    }
}
