using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Tests.Infrastructure;
using Maestro.Web.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Tests.Mcp;

/// <summary>MCP servers attached to sessions by name, used by a real turn, and detached when deleted.</summary>
public sealed class McpSessionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly ScriptedProvider _provider = new();
    private MaestroTestEnvironment _env = null!;
    private ServiceProvider _services = null!;

    private McpService Mcp => _services.GetRequiredService<McpService>();

    private SessionService Sessions => _services.GetRequiredService<SessionService>();

    public async ValueTask InitializeAsync()
    {
        await EverythingServer.EnsureInstalledAsync();
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "mcpsession");
        var configuration = _env.Configuration();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddMaestro(configuration);
        services.AddSingleton<IProvider>(_provider);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<AuthService>().CreateApiKeyAsync(ScriptedProvider.Id, "test", "scripted-key-0123456789", null, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task A_turn_calls_an_mcp_tool_of_an_attached_server_and_the_model_gets_its_result()
    {
        await Mcp.CreateAsync(EverythingServer.StdioSpec("everything"), CancellationToken.None);
        var session = await Sessions.CreateAsync(new SessionSpec
        {
            Name = "agent",
            Auth = $"{ScriptedProvider.Id}/test",
            Model = "m",
            McpServers = ["everything"],
        }, CancellationToken.None);
        _provider.Enqueue(ScriptedProvider.Call("call_1", "everything_echo", new Dictionary<string, object?> { ["message"] = JsonSerializer.SerializeToElement("from the model") }));
        _provider.Enqueue(ScriptedProvider.Text("The server said it back."));

        var engine = _services.GetRequiredService<TurnEngine>();
        var handle = await engine.StartAsync(session.Id, new TurnInput("Use the echo tool."), _services.GetRequiredService<WaitForDecision>(), CancellationToken.None);
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        outcome.Status.ShouldBe(TurnStatus.Completed, outcome.Error);
        outcome.Rounds.ShouldBe(2);
        _provider.Requests[0].Tools.ShouldNotBeNull().Select(t => t.Name).ShouldContain("everything_echo");
        var result = _provider.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ShouldHaveSingleItem();
        result.CallId.ShouldBe("call_1");
        // Read back from the stored conversation, the result is JSON text.
        result.Result?.ToString().ShouldBe("Echo: from the model");
    }

    [Fact]
    public async Task Sessions_name_their_servers_and_unknown_names_are_refused()
    {
        var everything = await Mcp.CreateAsync(EverythingServer.StdioSpec("named"), CancellationToken.None);

        var session = await Sessions.CreateAsync(new SessionSpec
        {
            Name = "named-session",
            Auth = $"{ScriptedProvider.Id}/test",
            Model = "m",
            McpServers = ["named"],
        }, CancellationToken.None);
        session.McpServerIds.ShouldBe([everything.Id]);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => Sessions.UpdateAsync(session.Id,
            new SessionSpec { McpServers = ["named", "nope"] }, CancellationToken.None));
        error.Errors["mcp_servers"].ShouldBe(["No MCP server named 'nope' (see `maestro mcp list`)."]);
    }

    [Fact]
    public async Task A_session_gets_the_tools_of_its_enabled_servers_and_a_broken_one_does_not_stop_it()
    {
        await Mcp.CreateAsync(EverythingServer.StdioSpec("tools"), CancellationToken.None);
        await Mcp.CreateAsync(new McpServerSpec { Name = "broken", Command = "maestro-no-such-command-42" }, CancellationToken.None);
        await Mcp.CreateAsync(EverythingServer.StdioSpec("off") with { Enabled = false }, CancellationToken.None);
        var session = await Sessions.CreateAsync(new SessionSpec
        {
            Name = "tools-session",
            Auth = $"{ScriptedProvider.Id}/test",
            Model = "m",
            McpServers = ["tools", "broken", "off"],
        }, CancellationToken.None);

        var set = await _services.GetRequiredService<TurnEngine>().ToolsAsync(session, CancellationToken.None);

        set.ModelNames.ShouldContain("tools_echo");
        set.ModelNames.ShouldContain("tools_get-sum");
        set.Tools.Select(t => t.Definition.Source).Where(s => s.StartsWith("mcp:", StringComparison.Ordinal)).Distinct().ShouldBe(["mcp:tools"]);
    }

    [Fact]
    public async Task Deleting_a_server_detaches_it_from_every_session()
    {
        var keep = await Mcp.CreateAsync(new McpServerSpec { Name = "keep", Command = "npx" }, CancellationToken.None);
        await Mcp.CreateAsync(new McpServerSpec { Name = "gone", Command = "npx" }, CancellationToken.None);
        var first = await Sessions.CreateAsync(new SessionSpec
        {
            Name = "first",
            Auth = $"{ScriptedProvider.Id}/test",
            Model = "m",
            McpServers = ["gone", "keep"],
        }, CancellationToken.None);
        var second = await Sessions.CreateAsync(new SessionSpec
        {
            Name = "second",
            Auth = $"{ScriptedProvider.Id}/test",
            Model = "m",
            McpServers = ["gone"],
        }, CancellationToken.None);

        await Mcp.DeleteAsync("gone", CancellationToken.None);

        (await Sessions.GetAsync(first.Id, CancellationToken.None)).McpServerIds.ShouldBe([keep.Id]);
        (await Sessions.GetAsync(second.Id, CancellationToken.None)).McpServerIds.ShouldBeEmpty();
        (await Should.ThrowAsync<NotFoundException>(() => Mcp.GetAsync("gone", CancellationToken.None))).Message.ShouldBe("No MCP server named 'gone'.");
    }
}
