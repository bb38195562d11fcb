using Maestro.Core.Errors;
using Maestro.Core.Mcp;

namespace Maestro.Tests.Mcp;

/// <summary>Reading other clients' configurations: Claude Desktop / Cursor JSON and `claude mcp add` command lines.</summary>
public sealed class McpImportParsingTests
{
    public const string ClaudeDesktopSample = """
        {
          // claude_desktop_config.json, with a comment and a trailing comma as editors leave them
          "mcpServers": {
            "filesystem": {
              "command": "npx",
              "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"],
              "env": { "DEBUG": "1", "PORT": 8080 }
            },
            "github": {
              "type": "http",
              "url": "https://api.githubcopilot.com/mcp/",
              "headers": { "Authorization": "Bearer ghp_0123456789abcdefghijklmnopqrstuvwxyz" }
            },
            "cursor-remote": { "url": "https://mcp.example.com/sse", "type": "sse" },
            "plain-url": { "url": "https://mcp.example.com/mcp" },
            "off": { "command": "uvx", "args": ["mcp-server-time"], "disabled": true },
            "bad name!": { "command": "x" },
            "empty": { "args": ["x"] },
            "both": { "command": "x", "url": "https://x.example.com" },
            "ws": { "type": "websocket", "url": "ws://localhost:9000" },
            "numbers": { "command": "x", "args": [1, {"nested": true}] },
            "not-an-object": "npx something",
          },
        }
        """;

    [Fact]
    public void Reads_a_claude_desktop_configuration_entry_by_entry()
    {
        var candidates = McpJsonImport.Parse(ClaudeDesktopSample).ToDictionary(c => c.Name);

        var fs = candidates["filesystem"].Spec.ShouldNotBeNull();
        fs.Transport.ShouldBe("stdio");
        fs.Command.ShouldBe("npx");
        fs.Args.ShouldBe(["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"]);
        fs.Env.ShouldNotBeNull()["PORT"].ShouldBe("8080");

        var github = candidates["github"].Spec.ShouldNotBeNull();
        github.Transport.ShouldBe("http");
        github.Url.ShouldBe("https://api.githubcopilot.com/mcp/");
        github.Headers.ShouldNotBeNull()["Authorization"].ShouldStartWith("Bearer ghp_");

        candidates["cursor-remote"].Spec!.Transport.ShouldBe("sse");
        candidates["plain-url"].Spec!.Transport.ShouldBe("http");
        candidates["plain-url"].Notes.ShouldContain("no \"type\" given: the URL is taken as streamable HTTP");
        candidates["off"].Spec!.Enabled.ShouldBe(false);

        // Invalid names are found by the service's validation; the parser reports what it cannot read.
        candidates["bad name!"].Spec.ShouldNotBeNull();
        candidates["empty"].Problem.ShouldBe("has neither \"command\" nor \"url\".");
        candidates["both"].Problem.ShouldBe("has both \"command\" and \"url\": give one (a local command, or a remote URL).");
        candidates["ws"].Problem.ShouldBe("unknown type 'websocket': use stdio, http (streamable-http) or sse.");
        candidates["numbers"].Problem.ShouldBe("\"args\" must be a list of strings.");
        candidates["not-an-object"].Problem.ShouldStartWith("must be an object");
    }

    [Fact]
    public void Accepts_the_servers_object_without_the_wrapper()
    {
        var candidates = McpJsonImport.Parse("""{"time": {"command": "uvx", "args": ["mcp-server-time"]}}""");

        candidates.ShouldHaveSingleItem().Spec!.Command.ShouldBe("uvx");
    }

    [Theory]
    [InlineData("not json", "json: Not valid JSON")]
    [InlineData("[1, 2]", "json: Expected a JSON object")]
    [InlineData("""{"mcpServers": []}""", "json: \"mcpServers\" must be an object")]
    [InlineData("""{"command": "npx", "args": []}""", "json: This is one server's settings without a name")]
    public void Rejects_what_is_not_a_servers_object(string json, string message) =>
        Should.Throw<ValidationFailedException>(() => McpJsonImport.Parse(json)).Message.ShouldStartWith(message);

    [Fact]
    public void Reads_claude_mcp_add_for_a_stdio_server_with_quoted_arguments_and_env()
    {
        var candidate = ClaudeMcpCommand.Parse(
            """claude mcp add -s user -e API_KEY="abc def" -e 'MODE=fast' my-server -- npx -y "@scope/server pkg" --root '/tmp/my dir'""")
            .ShouldHaveSingleItem();

        candidate.Name.ShouldBe("my-server");
        var spec = candidate.Spec.ShouldNotBeNull();
        spec.Transport.ShouldBe("stdio");
        spec.Command.ShouldBe("npx");
        spec.Args.ShouldBe(["-y", "@scope/server pkg", "--root", "/tmp/my dir"]);
        spec.Env.ShouldBe(new Dictionary<string, string?> { ["API_KEY"] = "abc def", ["MODE"] = "fast" });
        candidate.Notes.ShouldContain(n => n.StartsWith("scope 'user' ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Reads_claude_mcp_add_for_an_http_server_with_headers()
    {
        var candidate = ClaudeMcpCommand.Parse(
            """claude mcp add --transport http notion https://mcp.notion.com/mcp -H "Authorization: Bearer secret-token" --header 'X-Team: core'""")
            .ShouldHaveSingleItem();

        var spec = candidate.Spec.ShouldNotBeNull();
        spec.Transport.ShouldBe("http");
        spec.Url.ShouldBe("https://mcp.notion.com/mcp");
        spec.Headers.ShouldBe(new Dictionary<string, string?> { ["Authorization"] = "Bearer secret-token", ["X-Team"] = "core" });
    }

    [Fact]
    public void Takes_several_values_after_one_e_like_claude_code_does()
    {
        var spec = ClaudeMcpCommand.Parse("claude mcp add -e A=1 B=2 srv -- cmd --flag").ShouldHaveSingleItem().Spec.ShouldNotBeNull();

        spec.Env.ShouldBe(new Dictionary<string, string?> { ["A"] = "1", ["B"] = "2" });
        spec.Command.ShouldBe("cmd");
        spec.Args.ShouldBe(["--flag"]);
    }

    [Fact]
    public void Reads_several_lines_and_add_json()
    {
        var candidates = ClaudeMcpCommand.Parse("""
            claude mcp add --transport sse linear https://mcp.linear.app/sse
            claude mcp add fs npx -y @modelcontextprotocol/server-filesystem ~/code
            claude mcp add-json weather '{"type":"stdio","command":"/path/to/weather-cli","args":["--api-key","abc123"],"env":{"CACHE_DIR":"/tmp"}}'
            mcp add remote-guess https://example.com/mcp
            """);

        candidates.Select(c => c.Name).ShouldBe(["linear", "fs", "weather", "remote-guess"]);
        candidates[0].Spec!.Transport.ShouldBe("sse");
        candidates[1].Spec!.Args.ShouldBe(["-y", "@modelcontextprotocol/server-filesystem", "~/code"]);
        candidates[2].Spec!.Command.ShouldBe("/path/to/weather-cli");
        candidates[2].Spec!.Env!["CACHE_DIR"].ShouldBe("/tmp");
        candidates[3].Spec!.Transport.ShouldBe("http");
        candidates[3].Notes.ShouldContain("no --transport given: the URL is taken as streamable HTTP");
    }

    [Theory]
    [InlineData("claude mcp list", "command", "not a `claude mcp add` or `claude mcp add-json` command")]
    [InlineData("claude mcp add", "command", "no server name")]
    [InlineData("claude mcp add lonely", "lonely", "no command or URL after the name.")]
    [InlineData("claude mcp add --transport ws x ws://h", "x", "unknown transport 'ws'")]
    [InlineData("claude mcp add --transport http x https://h/mcp extra", "x", "a http server takes a URL and no arguments")]
    [InlineData("claude mcp add --client-id abc x https://h/mcp", "command", "--client-id: OAuth logins to MCP servers are not supported")]
    [InlineData("claude mcp add --frobnicate x -- cmd", "command", "unknown option --frobnicate.")]
    [InlineData("claude mcp add -e NOEQUALS x -- cmd", "command", "-e expects KEY=VALUE, got 'NOEQUALS'.")]
    [InlineData("claude mcp add-json x '{not json'", "x", "the JSON is not valid")]
    public void Reports_why_a_command_cannot_be_imported(string line, string name, string problem)
    {
        var candidate = ClaudeMcpCommand.Parse(line).ShouldHaveSingleItem();

        candidate.Spec.ShouldBeNull();
        candidate.Name.ShouldBe(name);
        candidate.Problem.ShouldNotBeNull().ShouldContain(problem);
    }

    [Fact]
    public void An_unclosed_quote_rejects_the_whole_text() =>
        Should.Throw<ValidationFailedException>(() => ClaudeMcpCommand.Parse("claude mcp add x -- cmd 'oops"))
            .Message.ShouldBe("command: A single quote opened at position 25 is never closed.");
}
