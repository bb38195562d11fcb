using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Mcp;

/// <summary>`maestro mcp ...` run as a separate process against the test database and the reference MCP server.</summary>
public sealed class CliMcpTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Secret = "tok-cli-PLAINTEXT-0123456789abcdef";
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync()
    {
        await EverythingServer.EnsureInstalledAsync();
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "climcp");
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Add_list_test_and_remove_a_stdio_server_with_secrets_never_printed()
    {
        _env.Settings["MY_TOKEN"] = Secret;
        var add = await Run("mcp", "add", "everything", "--env-var", "API_TOKEN=MY_TOKEN", "-e", "MODE=demo", "--", "node", EverythingServer.Script, "stdio");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain("Added MCP server everything (stdio: node ");

        var list = await Run("mcp", "list", "--json");
        list.ExitCode.ShouldBe(0, list.ToString());
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            var server = json.RootElement.EnumerateArray().ShouldHaveSingleItem();
            server.GetProperty("name").GetString().ShouldBe("everything");
            server.GetProperty("transport").GetString().ShouldBe("stdio");
            server.GetProperty("args")[1].GetString().ShouldBe("stdio");
            server.GetProperty("env").GetProperty("API_TOKEN").GetString().ShouldBe("tok-…cdef");
            server.GetProperty("env").GetProperty("MODE").GetString().ShouldBe("••••••••");
        }

        var table = await Run("mcp", "list");
        table.Stdout.ShouldContain("everything");
        table.Stdout.ShouldContain("API_TOKEN");
        var show = await Run("mcp", "show", "everything");
        show.Stdout.ShouldContain("tok-…cdef");
        foreach (var output in new[] { add, list, table, show })
        {
            output.Stdout.ShouldNotContain(Secret);
            output.Stderr.ShouldNotContain(Secret);
        }

        var test = await Run("mcp", "test", "everything");
        test.ExitCode.ShouldBe(0, test.ToString());
        test.Stdout.ShouldContain("OK everything");
        test.Stdout.ShouldContain("echo");
        test.Stdout.ShouldContain("Echoes back the input string");
        test.Stdout.ShouldContain("get-sum");
        test.Stderr.ShouldBeEmpty();

        var rm = await Run("mcp", "rm", "everything");
        rm.ExitCode.ShouldBe(0, rm.ToString());
        rm.Stdout.ShouldContain("Deleted MCP server everything.");
        (await Run("mcp", "list", "--json")).Stdout.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Test_of_a_failing_server_is_one_clear_error_with_its_stderr()
    {
        (await Run("mcp", "add", "missing", "--", "maestro-no-such-command-42")).ExitCode.ShouldBe(0);
        (await Run("mcp", "add", "crash", "--", "sh", "-c", "echo 'cannot open config.yaml' >&2; exit 4")).ExitCode.ShouldBe(0);

        var missing = await Run("mcp", "test", "missing");
        missing.ExitCode.ShouldBe(1);
        missing.Stderr.ShouldStartWith("error: Command 'maestro-no-such-command-42' of MCP server 'missing' was not found on PATH.");
        missing.Stderr.ShouldNotContain("   at ");

        var crash = await Run("mcp", "test", "crash");
        crash.ExitCode.ShouldBe(1);
        crash.Stderr.ShouldMatch(@"^error: MCP server 'crash' exited( with code 4)? before it finished initializing\.");
        crash.Stderr.ShouldContain("cannot open config.yaml");
        crash.Stderr.ShouldNotContain("   at ");

        var json = await Run("mcp", "test", "crash", "--json");
        json.ExitCode.ShouldBe(1);
        using var doc = JsonDocument.Parse(json.Stdout);
        doc.RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
        doc.RootElement.GetProperty("failure").GetString().ShouldBe("exited");
        doc.RootElement.GetProperty("stderr")[0].GetString().ShouldBe("cannot open config.yaml");
    }

    [Fact]
    public async Task Import_a_claude_desktop_file_and_claude_mcp_add_lines()
    {
        var file = Path.Combine(_env.Home, "claude_desktop_config.json");
        await File.WriteAllTextAsync(file, McpImportParsingTests.ClaudeDesktopSample);

        var import = await Run("mcp", "import", file);
        import.ExitCode.ShouldBe(1, import.ToString());
        import.Stdout.ShouldContain("Imported 5, skipped 0, rejected 6.");
        import.Stdout.ShouldNotContain("ghp_0123456789abcdefghijklmnopqrstuvwxyz");

        var again = await CliRunner.RunAsync(_env.Settings, ["mcp", "import", "-", "--json"], McpImportParsingTests.ClaudeDesktopSample);
        using (var doc = JsonDocument.Parse(again.Stdout))
        {
            doc.RootElement.GetProperty("imported").GetInt32().ShouldBe(0);
            doc.RootElement.GetProperty("skipped").GetInt32().ShouldBe(5);
        }

        var claude = await Run("mcp", "import", "--json",
            "--claude", "claude mcp add --transport http notion https://mcp.notion.com/mcp -H \"Authorization: Bearer " + Secret + "\"",
            "--claude", "claude mcp add -e 'GREETING=hello world' hello -- node -e 'console.log(1)'");
        claude.ExitCode.ShouldBe(0, claude.ToString());
        claude.Stdout.ShouldNotContain(Secret);
        using (var doc = JsonDocument.Parse(claude.Stdout))
        {
            doc.RootElement.GetProperty("imported").GetInt32().ShouldBe(2);
            var notion = doc.RootElement.GetProperty("servers")[0].GetProperty("server");
            notion.GetProperty("headers").GetProperty("Authorization").GetString().ShouldBe("Bear…cdef");
        }

        var hello = await Run("mcp", "show", "hello", "--json");
        using (var doc = JsonDocument.Parse(hello.Stdout))
        {
            doc.RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()).ShouldBe(["-e", "console.log(1)"]);
        }
    }

    [Fact]
    public async Task Remote_servers_take_headers_from_the_environment_and_edits_are_checked()
    {
        _env.Settings["REMOTE_AUTH"] = "Bearer " + Secret;
        var add = await Run("mcp", "add", "remote", "--url", "https://mcp.example.com/mcp", "--header-env", "Authorization=REMOTE_AUTH");
        add.ExitCode.ShouldBe(0, add.ToString());

        var edit = await Run("mcp", "edit", "remote", "--transport", "sse", "--url", "https://mcp.example.com/sse", "--disable");
        edit.ExitCode.ShouldBe(0, edit.ToString());
        var shown = await Run("mcp", "show", "remote", "--json");
        using (var doc = JsonDocument.Parse(shown.Stdout))
        {
            doc.RootElement.GetProperty("transport").GetString().ShouldBe("sse");
            doc.RootElement.GetProperty("enabled").GetBoolean().ShouldBeFalse();
            doc.RootElement.GetProperty("headers").GetProperty("Authorization").GetString().ShouldBe("Bear…cdef");
        }

        var bogus = await Run("mcp", "edit", "remote", "--bogus");
        bogus.ExitCode.ShouldBe(1);
        bogus.Stderr.ShouldContain("error: unknown option '--bogus'.");

        var envOnRemote = await Run("mcp", "edit", "remote", "-e", "X=1");
        envOnRemote.ExitCode.ShouldBe(1);
        envOnRemote.Stderr.ShouldStartWith("error: env: Env variables apply only to stdio servers");

        var unset = await Run("mcp", "add", "nokey", "--url", "https://x.example.com/mcp", "--header-env", "Authorization=NOT_SET_ANYWHERE");
        unset.ExitCode.ShouldBe(1);
        unset.Stderr.ShouldContain("error: headers: Environment variable NOT_SET_ANYWHERE is not set or empty.");
    }

    private Task<CliRunner.Result> Run(params string[] arguments) => CliRunner.RunAsync(_env, arguments);
}
