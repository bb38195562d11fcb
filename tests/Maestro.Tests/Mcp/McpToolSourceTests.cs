using System.Text.Json;
using Maestro.Core.Mcp;
using Maestro.Core.Tools;
using Microsoft.Extensions.Logging.Abstractions;
using static Maestro.Tests.Mcp.McpTestHelpers;

namespace Maestro.Tests.Mcp;

/// <summary>The tools of attached MCP servers, as a turn gets and calls them, through the shared connection pool.</summary>
public sealed class McpToolSourceTests : IAsyncLifetime
{
    private readonly string _marker = $"maestro-mcp-tools-{Guid.NewGuid():N}";
    private McpClientPool _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await EverythingServer.EnsureInstalledAsync();
        _pool = new McpClientPool(Connector(), NullLogger<McpClientPool>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync();
        await WaitUntilGoneAsync(_marker);
    }

    [Fact]
    public async Task Exposes_the_tools_of_attached_enabled_servers_with_their_own_names_and_effects()
    {
        var everything = Everything(marker: _marker);
        var disabled = Everything("disabled") with { Enabled = false };
        var other = Everything("not-attached");
        var source = Source(everything, disabled, other);

        var tools = await source.GetToolsAsync(Request(everything.Id, disabled.Id, Guid.NewGuid()), CancellationToken.None);

        tools.ShouldNotBeEmpty();
        tools.ShouldAllBe(t => t.Definition.Source == "mcp:everything");
        var echo = tools.Single(t => t.Definition.Name == "echo").Definition;
        echo.Description.ShouldBe("Echoes back the input string");
        echo.Effect.ShouldBe(ToolEffect.ReadOnly);
        echo.InputSchema.GetProperty("properties").GetProperty("message").GetProperty("type").GetString().ShouldBe("string");
        tools.Single(t => t.Definition.Name == "toggle-simulated-logging").Definition.Effect.ShouldBe(ToolEffect.Executes);
        tools.Single(t => t.Definition.Name == "gzip-file-as-resource").Definition.Effect.ShouldBe(ToolEffect.Network);

        // The names the model sees are sanitized by ToolSet and mapped back to these tools.
        var set = new ToolSet(tools);
        set.TryResolve("everything_get-sum", out var sum).ShouldBeTrue();
        sum.Definition.Name.ShouldBe("get-sum");
    }

    [Fact]
    public async Task Calling_echo_and_get_sum_returns_their_text()
    {
        var tools = await ToolsAsync(Everything(marker: _marker));

        var echo = await Call(tools, "echo", """{"message": "hello from Maestro"}""");
        echo.IsError.ShouldBeFalse();
        echo.Text.ShouldBe("Echo: hello from Maestro");
        echo.Details!["server"].ShouldBe("everything");

        var sum = await Call(tools, "get-sum", """{"a": 2, "b": 3}""");
        sum.Text.ShouldBe("The sum of 2 and 3 is 5.");
    }

    [Fact]
    public async Task Images_are_summarized_and_long_text_is_cut_to_head_and_tail()
    {
        var tools = await ToolsAsync(Everything(marker: _marker));

        var image = await Call(tools, "get-tiny-image", "{}");
        image.Text.ShouldContain("Here's the image you requested:");
        image.Text.ShouldMatch(@"\[image: image/png, \d+ (bytes|KB)\]");

        var message = new string('x', 5_000) + "THE-END";
        var echo = await Call(tools, "echo", JsonSerializer.Serialize(new { message }), new ToolLimits { MaxOutputChars = 1_000 });
        echo.Text.Length.ShouldBeLessThan(1_100);
        echo.Text.ShouldStartWith("Echo: xxx");
        echo.Text.ShouldEndWith("THE-END");
        echo.Text.ShouldContain("characters omitted");
    }

    [Fact]
    public async Task A_call_the_server_refuses_is_an_error_result_not_a_crash()
    {
        var tools = await ToolsAsync(Everything(marker: _marker));

        var result = await Call(tools, "get-sum", """{"a": "two"}""");

        result.IsError.ShouldBeTrue();
        result.Text.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_server_that_cannot_start_loses_its_tools_and_the_others_still_come()
    {
        var broken = Server("broken", "maestro-no-such-command-42");
        var crashing = Server("crashing", "sh", ["-c", "exit 1"]);
        var everything = Everything(marker: _marker);
        var logger = new ListLogger<McpToolSource>();
        var source = new McpToolSource(new InMemoryMcpServerStore(broken, crashing, everything), _pool, logger);

        var tools = await source.GetToolsAsync(Request(broken.Id, crashing.Id, everything.Id), CancellationToken.None);

        tools.ShouldNotBeEmpty();
        tools.ShouldAllBe(t => t.Definition.Source == "mcp:everything");
        logger.Warnings.Count.ShouldBe(2);
        logger.Warnings.ShouldContain(w => w.StartsWith("MCP server broken is unavailable", StringComparison.Ordinal) && w.Contains("was not found on PATH", StringComparison.Ordinal));
        logger.Warnings.ShouldContain(w => w.StartsWith("MCP server crashing is unavailable", StringComparison.Ordinal) && w.Contains("exited", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_process_is_shared_and_a_crashed_server_is_started_again()
    {
        var everything = Everything(marker: _marker);
        var first = await _pool.GetAsync(everything, CancellationToken.None);
        var tools = await ToolsAsync(everything);
        (await _pool.GetAsync(everything, CancellationToken.None)).ShouldBeSameAs(first);
        ProcessesWith(_marker).Count.ShouldBe(1);

        foreach (var pid in ProcessesWith(_marker))
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (first.IsAlive)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the pool did not notice that the server died");
            await Task.Delay(50);
        }

        var echo = await Call(tools, "echo", """{"message": "again"}""");
        echo.Text.ShouldBe("Echo: again");
        (await _pool.GetAsync(everything, CancellationToken.None)).ShouldNotBeSameAs(first);
    }

    [Fact]
    public async Task A_newer_configuration_replaces_the_connection_and_stops_the_old_process()
    {
        var v1 = Everything(marker: _marker);
        var first = await _pool.GetAsync(v1, CancellationToken.None);
        var oldPid = ProcessesWith(_marker).ShouldHaveSingleItem();

        var v2 = v1 with { Version = 2, Env = new Dictionary<string, string> { ["MODE"] = "v2" } };
        var second = await _pool.GetAsync(v2, CancellationToken.None);

        second.ShouldNotBeSameAs(first);
        (await _pool.GetAsync(v1, CancellationToken.None)).ShouldBeSameAs(second, "an older snapshot must not undo the newer connection");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcessesWith(_marker).Contains(oldPid))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the old server process still runs");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_call_that_runs_too_long_is_an_error_and_the_server_stays_usable()
    {
        var pool = new McpClientPool(Connector(new McpSettings { CallTimeout = TimeSpan.FromSeconds(1) }), NullLogger<McpClientPool>.Instance);
        await using var _ = pool;
        var everything = Everything(marker: _marker);
        var tools = await new McpToolSource(new InMemoryMcpServerStore(everything), pool, NullLogger<McpToolSource>.Instance)
            .GetToolsAsync(Request(everything.Id), CancellationToken.None);

        var slow = await Call(tools, "trigger-long-running-operation", """{"duration": 20, "steps": 20}""");

        slow.IsError.ShouldBeTrue();
        slow.Text.ShouldBe("trigger-long-running-operation (MCP server 'everything'): The tool did not finish within 1 s (MAESTRO_MCP_CALL_TIMEOUT).");
        (await Call(tools, "echo", """{"message": "still here"}""")).Text.ShouldBe("Echo: still here");
    }

    [Fact]
    public async Task A_remote_server_that_restarted_is_reached_again()
    {
        var port = Infrastructure.CliProcess.FreePort();
        var first = await EverythingServer.StartHttpAsync(port: port);
        var remote = Server("remote", url: first.Url());
        var tools = await ToolsAsync(remote);
        (await Call(tools, "echo", """{"message": "one"}""")).Text.ShouldBe("Echo: one");

        await first.DisposeAsync();
        await using var second = await EverythingServer.StartHttpAsync(port: port);

        // The old session is gone: at most the first call fails (and drops the connection); the next one reconnects.
        var results = new List<ToolResult>();
        for (var i = 0; i < 2 && results.LastOrDefault() is not { IsError: false }; i++)
        {
            results.Add(await Call(tools, "echo", """{"message": "two"}"""));
        }

        results[^1].Text.ShouldBe("Echo: two", string.Join("\n", results.Select(r => r.Text)));
    }

    private McpToolSource Source(params McpServer[] servers) =>
        new(new InMemoryMcpServerStore(servers), _pool, NullLogger<McpToolSource>.Instance);

    private async Task<IReadOnlyList<MaestroTool>> ToolsAsync(McpServer server) =>
        await Source(server).GetToolsAsync(Request(server.Id), CancellationToken.None);

    private static ToolSourceRequest Request(params Guid[] ids) => new(Guid.NewGuid(), null, ids);

    private static Task<ToolResult> Call(IReadOnlyList<MaestroTool> tools, string name, string argumentsJson, ToolLimits? limits = null)
    {
        var tool = tools.Single(t => t.Definition.Name == name);
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!;
        var context = new ToolContext { WorkingDirectory = Path.GetTempPath(), SessionId = Guid.NewGuid(), Limits = limits ?? new ToolLimits() };
        return tool.InvokeAsync(new ToolCall("call_1", name, arguments), context, CancellationToken.None);
    }
}

/// <summary>Keeps the warnings a component logs.</summary>
public sealed class ListLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return [.. _warnings];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning)
        {
            lock (_warnings)
            {
                _warnings.Add(formatter(state, exception));
            }
        }
    }
}
