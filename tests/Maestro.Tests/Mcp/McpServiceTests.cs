using System.Text;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Core.Secrets;
using Maestro.Core.Sessions;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Maestro.Tests.Mcp;

/// <summary>The MCP service on the real database: validation, encryption at rest, edits, imports, lookups.</summary>
public sealed class McpServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Token = "ghp_PLAINTEXT-MARKER-0123456789abcdef";
    private const string EnvSecret = "env-PLAINTEXT-MARKER-9876543210";
    private MaestroTestEnvironment _env = null!;
    private McpService _mcp = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "mcpservice");
        _mcp = _env.Services().GetRequiredService<McpService>();
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Adds_stdio_and_http_servers_and_reads_them_back()
    {
        var stdio = await _mcp.CreateAsync(new McpServerSpec
        {
            Name = "files",
            Command = "npx",
            Args = ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
            Env = new Dictionary<string, string?> { ["API_TOKEN"] = EnvSecret },
            WorkingDirectory = Path.GetTempPath(),
        }, CancellationToken.None);
        var http = await _mcp.CreateAsync(new McpServerSpec
        {
            Name = "github",
            Url = "https://api.githubcopilot.com/mcp/",
            Headers = new Dictionary<string, string?> { ["Authorization"] = $"Bearer {Token}" },
        }, CancellationToken.None);

        stdio.Transport.ShouldBe(McpTransport.Stdio);
        stdio.Version.ShouldBe(1);
        stdio.WorkingDirectory.ShouldBe(Path.TrimEndingDirectorySeparator(Path.GetTempPath()));
        http.Transport.ShouldBe(McpTransport.Http);

        var read = await _mcp.GetAsync("files", CancellationToken.None);
        read.Args.ShouldBe(["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]);
        read.Env["API_TOKEN"].ShouldBe(EnvSecret);
        (await _mcp.GetAsync(http.Id.ToString(), CancellationToken.None)).Headers["authorization"].ShouldBe($"Bearer {Token}");
        (await _mcp.ListAsync(CancellationToken.None)).Select(s => s.Name).ShouldBe(["files", "github"]);
    }

    [Theory]
    [InlineData("bad name", "npx", null, null, "name", "'bad name' is not a valid MCP server name")]
    [InlineData("ok", null, null, null, "command", "Give a command to run")]
    [InlineData("ok", "npx", "https://x.example.com/mcp", null, "url", "Give either a command")]
    [InlineData("ok", null, "ftp://x.example.com", null, "url", "'ftp://x.example.com' is not an absolute http(s) URL.")]
    [InlineData("ok", null, "https://x.example.com", "websocket", "transport", "'websocket' is not a transport")]
    [InlineData("ok", null, "https://x.example.com", "stdio", "command", "A stdio server needs a command")]
    public async Task Invalid_servers_are_refused_field_by_field(string name, string? command, string? url, string? transport, string field, string message)
    {
        var error = await Should.ThrowAsync<ValidationFailedException>(() => _mcp.CreateAsync(
            new McpServerSpec { Name = name, Command = command, Url = url, Transport = transport }, CancellationToken.None));

        error.Errors[field].ShouldContain(m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Env_goes_only_to_stdio_servers_and_headers_only_to_remote_ones()
    {
        var env = await Should.ThrowAsync<ValidationFailedException>(() => _mcp.CreateAsync(new McpServerSpec
        {
            Name = "remote",
            Url = "https://x.example.com/mcp",
            Env = new Dictionary<string, string?> { ["TOKEN"] = "x" },
        }, CancellationToken.None));
        env.Errors["env"].ShouldHaveSingleItem().ShouldStartWith("Env variables apply only to stdio servers");

        var headers = await Should.ThrowAsync<ValidationFailedException>(() => _mcp.CreateAsync(new McpServerSpec
        {
            Name = "local",
            Command = "npx",
            Headers = new Dictionary<string, string?> { ["Authorization"] = "x" },
            Env = new Dictionary<string, string?> { ["1BAD"] = "x" },
        }, CancellationToken.None));
        headers.Errors["headers"].ShouldHaveSingleItem().ShouldStartWith("Headers apply only to http and sse servers");
        headers.Errors["env"].ShouldHaveSingleItem().ShouldBe("'1BAD' is not an environment variable name (letters, digits and '_', not starting with a digit).");
    }

    [Fact]
    public async Task A_duplicate_name_conflicts()
    {
        await _mcp.CreateAsync(new McpServerSpec { Name = "dup", Command = "a" }, CancellationToken.None);

        var error = await Should.ThrowAsync<ConflictException>(() => _mcp.CreateAsync(new McpServerSpec { Name = "dup", Command = "b" }, CancellationToken.None));

        error.Message.ShouldBe("An MCP server named 'dup' already exists.");
        (await _mcp.GetAsync("dup", CancellationToken.None)).Command.ShouldBe("a");
    }

    [Fact]
    public async Task Edits_merge_env_rename_switch_transport_and_bump_the_version()
    {
        await _mcp.CreateAsync(new McpServerSpec
        {
            Name = "srv",
            Command = "npx",
            Args = ["one"],
            Env = new Dictionary<string, string?> { ["KEEP"] = "1", ["DROP"] = "2" },
        }, CancellationToken.None);

        var edited = await _mcp.UpdateAsync("srv", new McpServerSpec
        {
            Name = "srv2",
            Env = new Dictionary<string, string?> { ["DROP"] = null, ["ADD"] = "3" },
            Enabled = false,
        }, CancellationToken.None);
        edited.Name.ShouldBe("srv2");
        edited.Command.ShouldBe("npx");
        edited.Args.ShouldBe(["one"]);
        edited.Env.ShouldBe(new Dictionary<string, string> { ["KEEP"] = "1", ["ADD"] = "3" });
        edited.Enabled.ShouldBeFalse();
        edited.Version.ShouldBe(2);

        var remote = await _mcp.UpdateAsync("srv2", new McpServerSpec { Url = "https://x.example.com/mcp" }, CancellationToken.None);
        remote.Transport.ShouldBe(McpTransport.Http);
        remote.Command.ShouldBeNull();
        remote.Env.ShouldBeEmpty();
        remote.Version.ShouldBe(3);

        (await Should.ThrowAsync<NotFoundException>(() => _mcp.GetAsync("srv", CancellationToken.None)))
            .Message.ShouldBe("No MCP server named 'srv'.");
    }

    [Fact]
    public async Task Env_values_and_headers_are_encrypted_at_rest_and_bound_to_their_row()
    {
        var a = await _mcp.CreateAsync(new McpServerSpec
        {
            Name = "enc-stdio",
            Command = "npx",
            Env = new Dictionary<string, string?> { ["API_TOKEN"] = EnvSecret },
        }, CancellationToken.None);
        await _mcp.CreateAsync(new McpServerSpec
        {
            Name = "enc-http",
            Url = "https://x.example.com/mcp",
            Headers = new Dictionary<string, string?> { ["Authorization"] = $"Bearer {Token}" },
        }, CancellationToken.None);

        await using var connection = await postgres.OpenAsync(_env.DatabaseUrl);
        await using (var command = new NpgsqlCommand("SELECT * FROM mcp_servers", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    var bytes = value is byte[] b ? b : Encoding.UTF8.GetBytes(value.ToString() ?? "");
                    foreach (var secret in new[] { EnvSecret, Token })
                    {
                        bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)).ShouldBe(-1, $"column {reader.GetName(i)} holds a secret in plaintext");
                    }
                }
            }

            rows.ShouldBe(2);
        }

        await using (var copy = new NpgsqlCommand(
            "UPDATE mcp_servers SET secrets = (SELECT secrets FROM mcp_servers WHERE name = 'enc-http') WHERE id = $1", connection))
        {
            copy.Parameters.AddWithValue(a.Id);
            await copy.ExecuteNonQueryAsync();
        }

        (await Should.ThrowAsync<SecretKeyException>(() => _mcp.GetAsync("enc-stdio", CancellationToken.None)))
            .Message.ShouldStartWith("Cannot decrypt the definition of MCP server 'enc-stdio'");
    }

    [Fact]
    public async Task Imports_a_claude_desktop_configuration_keeping_existing_servers_and_explaining_rejections()
    {
        await _mcp.CreateAsync(new McpServerSpec { Name = "github", Url = "https://mine.example.com/mcp" }, CancellationToken.None);

        var report = await _mcp.ImportJsonAsync(McpImportParsingTests.ClaudeDesktopSample, CancellationToken.None);

        var byName = report.Entries.ToDictionary(e => e.Name);
        report.Imported.ShouldBe(4);
        report.Skipped.ShouldBe(1);
        report.Rejected.ShouldBe(6);
        byName["filesystem"].Outcome.ShouldBe(McpImportOutcome.Imported);
        byName["filesystem"].Message.ShouldBe("stdio: npx -y @modelcontextprotocol/server-filesystem /Users/me/Desktop");
        byName["github"].Outcome.ShouldBe(McpImportOutcome.Skipped);
        byName["github"].Message.ShouldBe("an MCP server named 'github' already exists; kept the existing one.");
        byName["bad name!"].Outcome.ShouldBe(McpImportOutcome.Rejected);
        byName["bad name!"].Message.ShouldStartWith("'bad name!' is not a valid MCP server name");
        byName["ws"].Message.ShouldStartWith("unknown type 'websocket'");
        byName["off"].Server!.Enabled.ShouldBeFalse();
        (await _mcp.GetAsync("github", CancellationToken.None)).Url.ShouldBe("https://mine.example.com/mcp");
        (await _mcp.GetAsync("filesystem", CancellationToken.None)).Env["DEBUG"].ShouldBe("1");
    }

    [Fact]
    public async Task Imports_claude_mcp_add_lines()
    {
        var report = await _mcp.ImportClaudeCommandsAsync("""
            claude mcp add --transport http notion https://mcp.notion.com/mcp -H "Authorization: Bearer tok-0123456789abcdefghij"
            claude mcp add -e "GREETING=hello world" hello -- node -e 'console.log(1)'
            claude mcp add -e KEY=v remote-with-env --transport http https://x.example.com/mcp
            """, CancellationToken.None);

        report.Entries.Select(e => (e.Name, e.Outcome)).ShouldBe(
            [("notion", McpImportOutcome.Imported), ("hello", McpImportOutcome.Imported), ("remote-with-env", McpImportOutcome.Rejected)]);
        report.Entries[2].Message.ShouldStartWith("Env variables apply only to stdio servers");
        var hello = await _mcp.GetAsync("hello", CancellationToken.None);
        hello.Args.ShouldBe(["-e", "console.log(1)"]);
        hello.Env["GREETING"].ShouldBe("hello world");
        (await _mcp.GetAsync("notion", CancellationToken.None)).Headers["Authorization"].ShouldBe("Bearer tok-0123456789abcdefghij");
    }

    [Fact]
    public async Task The_lookup_resolves_names_and_ids_for_sessions()
    {
        var created = await _mcp.CreateAsync(new McpServerSpec { Name = "lookup", Command = "npx" }, CancellationToken.None);
        var lookup = _env.Services().GetServices<IMcpServerLookup>().ShouldHaveSingleItem();

        (await lookup.FindIdAsync("lookup", CancellationToken.None)).ShouldBe(created.Id);
        (await lookup.NameOfAsync(created.Id, CancellationToken.None)).ShouldBe("lookup");
        (await lookup.FindIdAsync("missing", CancellationToken.None)).ShouldBeNull();
    }
}
