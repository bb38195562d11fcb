using Maestro.Core.Providers;
using Maestro.Emulator;
using Maestro.Providers;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Providers.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>
/// "By configuration alone": a provider declared only through MAESTRO_COMPAT_* settings, registered by
/// AddMaestroProviders, talks to the emulator's Chat Completions endpoint over real HTTP.
/// </summary>
public sealed class CompatibleEmulatorTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private IProvider _provider = null!;
    private ServiceProvider _services = null!;
    private string _home = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);
        _home = Directory.CreateTempSubdirectory("maestro-compat-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MAESTRO_HOME"] = _home,
            ["MAESTRO_COMPAT_PROVIDERS"] = "local-llm",
            ["MAESTRO_COMPAT_LOCAL_LLM_BASE_URL"] = $"{_emulator.ProviderUrl(EmulatorProviders.OpenAI)}/v1",
            ["MAESTRO_COMPAT_LOCAL_LLM_DISPLAY_NAME"] = "Local LLM",
            ["MAESTRO_COMPAT_LOCAL_LLM_DEFAULT_MODEL"] = "gpt-4o-mini",
        }).Build();
        _services = new ServiceCollection()
            .AddSingleton<ProviderRegistry>()
            .AddMaestroProviders(configuration)
            .BuildServiceProvider();
        _provider = _services.GetRequiredService<ProviderRegistry>().Get("local-llm");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public void Declared_provider_is_registered_beside_the_built_ins()
    {
        var registry = _services.GetRequiredService<ProviderRegistry>();

        registry.TryGet("openai", out _).ShouldBeTrue();
        _provider.Descriptor.DisplayName.ShouldBe("Local LLM");
        _provider.Descriptor.DefaultModel.ShouldBe("gpt-4o-mini");
    }

    [Fact]
    public async Task Streams_text_with_usage()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse { Text = "Compatible hello.", Usage = new ScriptedUsage { InputTokens = 9, OutputTokens = 3 } });

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o-mini" });

        var summary = StreamSummary.Of(updates);
        summary.Text.ShouldBe("Compatible hello.");
        summary.Usage.ShouldStartWith("in=9 out=3 total=12");
        summary.Finish.ShouldBe("stop");
        var sent = _emulator.Control.Requests(key).Single();
        sent.Path.ShouldBe("/openai/v1/chat/completions");
        sent.Json!.Value.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().ShouldBeTrue();
        sent.Headers.First(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value.ShouldStartWith("Bearer ");
    }

    [Fact]
    public async Task Replays_a_recorded_fixture_over_http()
    {
        var bytes = RepoPaths.FixtureBytes("openai/chat-completions/tool-calls-parallel.sse");
        var expected = ChatCompletionsReference.Extract(RawSse.Parse(bytes));

        var summary = StreamSummary.Of(await StreamAsync(Key(), [new(ChatRole.User, "Go")], new ChatOptions { ModelId = "fixture:tool-calls-parallel" }));

        summary.Calls.ShouldBe(expected.Calls);
        summary.Usage.ShouldBe(expected.Usage);
    }

    [Fact]
    public async Task Non_streaming_answer()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, ScriptedResponse.FromText("Whole answer."));

        var response = await _provider.CreateChatClient(Connection(key))
            .GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }, TestContext.Current.CancellationToken);

        response.Text.ShouldBe("Whole answer.");
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.Usage.ShouldNotBeNull();
    }

    [Fact]
    public async Task Lists_models_from_the_declared_path()
    {
        var models = await _provider.ListModelsAsync(Connection(Key()), TestContext.Current.CancellationToken);

        models.Select(m => m.Id).ShouldContain("gpt-4o-mini");
        models.Single(m => m.Id == "gpt-4o").OwnedBy.ShouldBe("system");
    }

    [Fact]
    public async Task Unknown_model_and_rejected_key()
    {
        var missing = await Should.ThrowAsync<ProviderException>(() => StreamAsync(Key(), [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "no-such-model" }));
        missing.Kind.ShouldBe(ProviderErrorKind.NotFound);
        missing.Message.ShouldContain("'no-such-model'");

        var rejected = await Should.ThrowAsync<ProviderException>(() => StreamAsync("invalid-key", [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }));
        rejected.Kind.ShouldBe(ProviderErrorKind.Authentication);
        rejected.Message.ShouldContain("local-llm/test");
    }

    [Fact]
    public async Task Tool_call_round_trip()
    {
        var key = Key();
        _emulator.Control.Enqueue(key,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("add", """{"a":2,"b":3}"""), ScriptedToolCall.Create("mul", """{"a":2,"b":3}""")),
            ScriptedResponse.FromText("5 and 6."));
        var schema = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}}}""");
        var options = new ChatOptions { ModelId = "gpt-4o", Tools = [RequestJson.Tool("add", "Add.", schema), RequestJson.Tool("mul", "Multiply.", schema)] };
        List<ChatMessage> history = [new(ChatRole.User, "2+3 and 2*3?")];

        var first = await StreamAsync(key, history, options);
        var calls = first.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.Name).ShouldBe(["add", "mul"]);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(calls[0].CallId, 5), new FunctionResultContent(calls[1].CallId, 6)]));

        StreamSummary.Of(await StreamAsync(key, history, options)).Text.ShouldBe("5 and 6.");
        var messages = _emulator.Control.Requests(key)[1].Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        messages[1].GetProperty("tool_calls").GetArrayLength().ShouldBe(2);
        messages[2].GetProperty("role").GetString().ShouldBe("tool");
        messages[2].GetProperty("tool_call_id").GetString().ShouldBe(calls[0].CallId);
        messages[3].GetProperty("content").GetString().ShouldBe("6");
    }

    [Theory]
    [InlineData("disconnect:3")]
    [InlineData("malformed:3")]
    public async Task Broken_stream_is_one_transport_error_and_not_retried(string fault)
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse { Text = "a b c d e f g h", Fault = EmulatorFault.Parse(fault) });

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" });

        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
        StreamSummary.Of(updates).Errors.Count.ShouldBe(1);
        _emulator.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Rate_limit_is_retried_then_succeeds()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, ScriptedResponse.FromFault("429:1"), ScriptedResponse.FromText("Fine now."));

        StreamSummary.Of(await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" })).Text.ShouldBe("Fine now.");
        _emulator.Control.Requests(key).Count.ShouldBe(2);
    }

    private static string Key() => $"sk-compat-{Guid.NewGuid():N}";

    private ProviderConnection Connection(string key) => TestConnections.ApiKey("local-llm", _provider.Descriptor.DefaultBaseUrl, key);

    private async Task<List<ChatResponseUpdate>> StreamAsync(string key, IList<ChatMessage> messages, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _provider.CreateChatClient(Connection(key)).GetStreamingResponseAsync(messages, options, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }
}
