using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>`maestro auth ...` run as a separate process against the test database.</summary>
public sealed class CliAuthTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Key = "sk-ant-api03-cli-test-key-0123456789abcdef";
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await MaestroTestEnvironment.CreateAsync(postgres, "cliauth");

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Add_list_show_rename_update_and_remove()
    {
        var add = await CliRunner.RunWithStdinAsync(_env, Key + "\n", "auth", "add", "anthropic", "work", "--api-key-stdin");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain("Added anthropic/work");
        add.Stdout.ShouldNotContain(Key);

        var list = await CliRunner.RunAsync(_env, "auth", "list", "--json");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldNotContain(Key);
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            var auth = json.RootElement.EnumerateArray().Single();
            auth.GetProperty("ref").GetString().ShouldBe("anthropic/work");
            auth.GetProperty("type").GetString().ShouldBe("api_key");
            auth.GetProperty("status").GetString().ShouldBe("active");
        }

        var show = await CliRunner.RunAsync(_env, "auth", "show", "anthropic/work");
        show.ExitCode.ShouldBe(0, show.ToString());
        show.Stdout.ShouldContain("sk-a…cdef");
        show.Stdout.ShouldNotContain(Key);

        var rename = await CliRunner.RunAsync(_env, "auth", "rename", "anthropic/work", "work_2");
        rename.ExitCode.ShouldBe(0, rename.ToString());

        _env.Settings["NEW_KEY"] = "sk-ant-api03-replaced-key-99999999";
        var update = await CliRunner.RunAsync(_env, "auth", "update", "anthropic/work_2", "--api-key-env", "NEW_KEY", "--base-url", "http://127.0.0.1:9/anthropic");
        update.ExitCode.ShouldBe(0, update.ToString());
        var shown = await CliRunner.RunAsync(_env, "auth", "show", "anthropic/work_2", "--json");
        shown.Stdout.ShouldContain("sk-a…9999");
        shown.Stdout.ShouldContain("http://127.0.0.1:9/anthropic");

        var rm = await CliRunner.RunAsync(_env, "auth", "rm", "anthropic/work_2");
        rm.ExitCode.ShouldBe(0, rm.ToString());
        (await CliRunner.RunAsync(_env, "auth", "list", "--json")).Stdout.Trim().ShouldBe("[]");
    }

    [Theory]
    [InlineData("a", "anthropic", "k-123", "error: name: 'a' is not a valid name")]
    [InlineData("bad name!", "anthropic", "k-123", "error: name:")]
    [InlineData("valid", "nope", "k-123", "error: provider: Unknown provider 'nope'. Registered providers: anthropic, gemini, openai")]
    [InlineData("valid", "openai", "   ", "error: api_key: API key is empty.")]
    public async Task Bad_input_is_one_clear_line_without_a_stack_trace(string name, string provider, string key, string expected)
    {
        var result = await CliRunner.RunWithStdinAsync(_env, key, "auth", "add", provider, name, "--api-key-stdin");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain(expected);
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task A_duplicate_name_is_refused_and_the_first_auth_is_kept()
    {
        (await CliRunner.RunWithStdinAsync(_env, Key, "auth", "add", "openai", "dup", "--api-key-stdin")).ExitCode.ShouldBe(0);
        var again = await CliRunner.RunWithStdinAsync(_env, "sk-other-key-0000000000000", "auth", "add", "openai", "dup", "--api-key-stdin");

        again.ExitCode.ShouldBe(1);
        again.Stderr.ShouldContain("An auth named 'dup' already exists for provider 'openai'");
        (await CliRunner.RunAsync(_env, "auth", "show", "openai/dup")).Stdout.ShouldContain("sk-a…cdef");
    }

    [Fact]
    public async Task The_key_is_never_taken_as_a_plain_argument()
    {
        var result = await CliRunner.RunAsync(_env, "auth", "add", "openai", "nokey");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("--api-key-stdin");
        result.Stderr.ShouldContain("--api-key-env");
    }

    [Fact]
    public async Task Unknown_auths_and_malformed_refs_are_explained()
    {
        var missing = await CliRunner.RunAsync(_env, "auth", "show", "openai/ghost");
        missing.ExitCode.ShouldBe(1);
        missing.Stderr.ShouldContain("No auth named 'ghost' for provider 'openai'");
        missing.Stderr.ShouldContain("maestro auth list");

        var malformed = await CliRunner.RunAsync(_env, "auth", "show", "ghost");
        malformed.Stderr.ShouldContain("not of the form provider/name");
    }

    [Fact]
    public async Task Providers_are_listed_with_capabilities()
    {
        var result = await CliRunner.RunAsync(_env, "providers", "--json");

        result.ExitCode.ShouldBe(0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var ids = json.RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        ids.ShouldBe(["anthropic", "gemini", "openai"], ignoreOrder: true);
        json.RootElement.EnumerateArray().First().GetProperty("features").EnumerateArray().Select(f => f.GetString()).ShouldContain("streaming");
    }

    [Fact]
    public async Task A_malformed_database_url_is_one_line()
    {
        var settings = new Dictionary<string, string?>(_env.Settings) { ["DATABASE_URL"] = "postgres://user:pw@host" };

        var result = await CliRunner.RunAsync(settings, ["auth", "list"]);

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("DATABASE_URL is not a valid PostgreSQL URL");
        result.Stderr.ShouldNotContain("   at ");
    }
}
