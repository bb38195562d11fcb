using Maestro.Core.Mcp;
using Maestro.Core.Tools;
using Maestro.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using static Maestro.Tests.Mcp.McpTestHelpers;

namespace Maestro.Tests.Mcp;

/// <summary>Starting, reaching and testing MCP servers, and every way that fails, against the real reference server.</summary>
public sealed class McpConnectorTests
{
    [Fact]
    public async Task Testing_the_stdio_server_lists_its_tools_with_their_effects()
    {
        await EverythingServer.EnsureInstalledAsync();

        var result = await Connector().TestAsync(Everything(), CancellationToken.None);

        result.ServerName.ShouldNotBeNullOrEmpty();
        result.ProtocolVersion.ShouldNotBeNullOrEmpty();
        var echo = result.Tools.Single(t => t.Name == "echo");
        echo.Description.ShouldBe("Echoes back the input string");
        echo.Effect.ShouldBe(ToolEffect.ReadOnly);
        result.Tools.ShouldContain(t => t.Name == "get-sum");
    }

    [Fact]
    public async Task A_command_that_does_not_exist_is_named_in_the_error()
    {
        var error = await Should.ThrowAsync<McpConnectionException>(() =>
            Connector().TestAsync(Server("ghost", "maestro-no-such-command-42"), CancellationToken.None));

        error.Failure.ShouldBe(McpFailure.CommandNotFound);
        error.Message.ShouldBe("Command 'maestro-no-such-command-42' of MCP server 'ghost' was not found on PATH.");
        error.Hint.ShouldNotBeNull().ShouldContain("maestro mcp edit ghost");
    }

    [Fact]
    public async Task A_server_that_exits_at_once_reports_its_exit_code_and_the_end_of_its_stderr()
    {
        var server = Server("crashy", "sh", ["-c", "echo 'starting up' >&2; echo 'fatal: missing API_TOKEN' >&2; exit 3"]);

        var error = await Should.ThrowAsync<McpConnectionException>(() => Connector().TestAsync(server, CancellationToken.None));

        error.Failure.ShouldBe(McpFailure.Exited);
        // The exit code is known when the SDK saw the process end before our first write failed; usually, not always.
        error.Message.ShouldMatch(@"^MCP server 'crashy' exited( with code 3)? before it finished initializing\.\nLast lines of its stderr:\n  starting up\n  fatal: missing API_TOKEN$");
        error.Message.ShouldContain("fatal: missing API_TOKEN");
        error.StderrTail.ShouldContain("fatal: missing API_TOKEN");
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_and_its_process_is_stopped()
    {
        var marker = $"maestro-mcp-silent-{Guid.NewGuid():N}";
        var server = Server("silent", "node", ["-e", "setInterval(() => {}, 1000)", marker]);
        var connector = Connector(new McpSettings { ConnectTimeout = TimeSpan.FromSeconds(2) });

        var error = await Should.ThrowAsync<McpConnectionException>(() => connector.TestAsync(server, CancellationToken.None));

        error.Failure.ShouldBe(McpFailure.Timeout);
        error.Message.ShouldStartWith("MCP server 'silent' did not finish initializing within 2 s.");
        await WaitUntilGoneAsync(marker);
    }

    [Fact]
    public async Task A_connect_that_blocks_its_thread_and_ignores_cancellation_still_answers_as_a_timeout()
    {
        // What a runtime race on Linux does to the SDK's first stdin write when the process exits at that moment: the
        // call spins on the caller's thread and never returns. The Test must answer anyway.
        using var release = new ManualResetEventSlim();
        var connector = Connector(new McpSettings { ConnectTimeout = TimeSpan.FromSeconds(1) }, _ =>
        {
            release.Wait(TestContext.Current.CancellationToken);
            throw new InvalidOperationException("released by the test");
        });

        var error = await Should.ThrowAsync<McpConnectionException>(() => connector.TestAsync(Server("stuck", "cat"), CancellationToken.None));

        release.IsSet.ShouldBeFalse();
        release.Set();
        error.Failure.ShouldBe(McpFailure.Timeout);
        error.Message.ShouldStartWith("MCP server 'stuck' did not finish initializing within 1 s.");
    }

    [Fact]
    public async Task Env_values_reach_the_server_but_the_hosts_secrets_do_not()
    {
        await EverythingServer.EnsureInstalledAsync();
        Environment.SetEnvironmentVariable("MAESTRO_TEST_HOST_ONLY", "host-secret");
        var pool = new McpClientPool(Connector(), Microsoft.Extensions.Logging.Abstractions.NullLogger<McpClientPool>.Instance);
        await using var _ = pool;
        var server = Everything("env", new Dictionary<string, string> { ["API_TOKEN"] = "tok-123" });

        var connection = await pool.GetAsync(server, CancellationToken.None);
        var result = await connection.CallToolAsync("get-env", new Dictionary<string, System.Text.Json.JsonElement>(), CancellationToken.None);
        var text = McpToolOutput.Format(result);

        text.ShouldContain("\"API_TOKEN\": \"tok-123\"");
        text.ShouldContain("\"PATH\"");
        text.ShouldNotContain("MAESTRO_TEST_HOST_ONLY");
    }

    [Fact]
    public async Task Streamable_http_lists_the_same_tools()
    {
        await using var http = await EverythingServer.StartHttpAsync();

        var result = await Connector().TestAsync(Server("remote", url: http.Url()), CancellationToken.None);

        result.Tools.ShouldContain(t => t.Name == "echo");
        result.Tools.ShouldContain(t => t.Name == "get-sum");
    }

    [Fact]
    public async Task Sse_lists_the_same_tools()
    {
        await using var http = await EverythingServer.StartHttpAsync("sse");

        var result = await Connector().TestAsync(Server("legacy", url: http.Url("/sse"), transport: McpTransport.Sse), CancellationToken.None);

        result.Tools.ShouldContain(t => t.Name == "echo");
    }

    [Fact]
    public async Task A_refused_connection_says_so()
    {
        var url = $"http://127.0.0.1:{CliProcess.FreePort()}/mcp";

        var error = await Should.ThrowAsync<McpConnectionException>(() => Connector().TestAsync(Server("down", url: url), CancellationToken.None));

        error.Failure.ShouldBe(McpFailure.ConnectionRefused);
        error.Message.ShouldBe($"Cannot connect to MCP server 'down' at {url}: connection refused.");
    }

    [Fact]
    public async Task A_401_says_unauthorized_and_the_header_was_sent()
    {
        string? seen = null;
        await using var app = await StartAsync(context =>
        {
            seen = context.Request.Headers.Authorization;
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        });
        var url = app.Urls.First() + "/mcp";
        var server = Server("locked", url: url, headers: new Dictionary<string, string> { ["Authorization"] = "Bearer wrong-token" });

        var error = await Should.ThrowAsync<McpConnectionException>(() => Connector().TestAsync(server, CancellationToken.None));

        error.Failure.ShouldBe(McpFailure.Unauthorized);
        error.Message.ShouldBe($"MCP server 'locked' at {url} answered 401 Unauthorized.");
        seen.ShouldBe("Bearer wrong-token");
    }

    private static async Task<WebApplication> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return app;
    }
}
