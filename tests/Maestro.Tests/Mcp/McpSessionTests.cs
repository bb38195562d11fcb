using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Mcp;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Mcp;

/// <summary>
/// MCP servers attached to sessions by name, their tools called in real turns (every provider, through the emulator
/// and the real adapters), and detached when the server is deleted.
/// </summary>
public sealed class McpSessionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public static TheoryData<string> Providers => ["anthropic", "openai", "gemini"];

    private McpService Mcp => _bed.Get<McpService>();

    private SessionService Sessions => _bed.Get<SessionService>();

    public async ValueTask InitializeAsync()
    {
        await EverythingServer.EnsureInstalledAsync();
        _bed = await SessionTestBed.CreateAsync(postgres, "mcpsession");
        await Mcp.CreateAsync(EverythingServer.StdioSpec("everything"), CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_turn_calls_mcp_tools_of_an_attached_server_and_the_model_gets_their_results(string provider)
    {
        var session = await _bed.CreateSessionAsync(provider, $"agent-{provider}", new SessionSpec { McpServers = ["everything"] });
        _bed.Script(provider,
            ScriptedResponse.FromToolCalls(
                ScriptedToolCall.Create("everything_echo", """{"message": "from the model"}"""),
                ScriptedToolCall.Create("everything_get-sum", """{"a": 2, "b": 40}""")),
            ScriptedResponse.FromText("The server answered."));

        var (outcome, events) = await _bed.RunTurnAsync(session, "Use the MCP tools.");

        outcome.Status.ShouldBe(TurnStatus.Completed, outcome.Error);
        outcome.Rounds.ShouldBe(2);
        var thread = (await Sessions.GetAsync(session.Id, CancellationToken.None)).CurrentThreadId!.Value;
        var messages = await _bed.Get<IConversationStore>().ListMessagesAsync(thread, null, 100, CancellationToken.None);
        var results = messages.Single(m => m.Role == MessageRole.Tool).Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString()).ToList();
        results.ShouldBe(["Echo: from the model", "The sum of 2 and 40 is 42."]);
        events.Where(e => e.Type == SessionEventTypes.ToolFinished).Select(e => (e.Tool!.Name, e.Tool.IsError)).ShouldBe([("echo", false), ("get-sum", false)], ignoreOrder: true);

        // The first request declared the tools under provider-safe names; the second carried the results back.
        var requests = _bed.Requests(provider).Where(r => r.Method == "POST").ToList();
        requests[0].BodyText.ShouldContain("everything_get-sum");
        requests[1].BodyText.ShouldContain("The sum of 2 and 40 is 42.");
    }

    [Fact]
    public async Task Sessions_name_their_servers_and_unknown_names_are_refused()
    {
        var everything = await Mcp.GetAsync("everything", CancellationToken.None);

        var session = await _bed.CreateSessionAsync("anthropic", "named", new SessionSpec { McpServers = ["everything"] });
        session.McpServerIds.ShouldBe([everything.Id]);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => Sessions.UpdateAsync(session.Id,
            new SessionSpec { McpServers = ["everything", "nope"] }, CancellationToken.None));
        error.Errors["mcp_servers"].ShouldBe(["No MCP server named 'nope' (see `maestro mcp list`)."]);
    }

    [Fact]
    public async Task A_session_gets_the_tools_of_its_enabled_servers_and_a_broken_one_does_not_stop_it()
    {
        await Mcp.CreateAsync(new McpServerSpec { Name = "broken", Command = "maestro-no-such-command-42" }, CancellationToken.None);
        await Mcp.CreateAsync(EverythingServer.StdioSpec("off") with { Enabled = false }, CancellationToken.None);
        var session = await _bed.CreateSessionAsync("openai", "tools", new SessionSpec { McpServers = ["everything", "broken", "off"] });

        var set = await _bed.Get<TurnEngine>().ToolsAsync(session, CancellationToken.None);

        set.ModelNames.ShouldContain("everything_echo");
        set.ModelNames.ShouldContain("read_file");
        set.Tools.Select(t => t.Definition.Source).Where(s => s.StartsWith("mcp:", StringComparison.Ordinal)).Distinct().ShouldBe(["mcp:everything"]);
    }

    [Fact]
    public async Task Deleting_a_server_detaches_it_from_every_session()
    {
        var keep = await Mcp.CreateAsync(new McpServerSpec { Name = "keep", Command = "npx" }, CancellationToken.None);
        await Mcp.CreateAsync(new McpServerSpec { Name = "gone", Command = "npx" }, CancellationToken.None);
        var first = await _bed.CreateSessionAsync("anthropic", "first", new SessionSpec { McpServers = ["gone", "keep"] });
        var second = await _bed.CreateSessionAsync("gemini", "second", new SessionSpec { McpServers = ["gone"] });

        await Mcp.DeleteAsync("gone", CancellationToken.None);

        (await Sessions.GetAsync(first.Id, CancellationToken.None)).McpServerIds.ShouldBe([keep.Id]);
        (await Sessions.GetAsync(second.Id, CancellationToken.None)).McpServerIds.ShouldBeEmpty();
        (await Should.ThrowAsync<NotFoundException>(() => Mcp.GetAsync("gone", CancellationToken.None))).Message.ShouldBe("No MCP server named 'gone'.");
    }
}
