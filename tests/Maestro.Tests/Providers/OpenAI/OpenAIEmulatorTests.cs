using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Emulator;
using Maestro.Providers.OpenAI;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>The OpenAI provider over real HTTP against the Responses API emulator.</summary>
public sealed class OpenAIEmulatorTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;

    public async ValueTask InitializeAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Streams_a_scripted_answer_with_usage()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse
        {
            Text = "Hello from the emulator.",
            Usage = new ScriptedUsage { InputTokens = 12, OutputTokens = 5, CachedTokens = 4 },
        });

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" });

        var summary = StreamSummary.Of(updates);
        summary.Text.ShouldBe("Hello from the emulator.");
        summary.Usage.ShouldBe(StreamSummary.UsageText(12, 5, 17, 4, 0));
        summary.Finish.ShouldBe("stop");
        summary.Errors.ShouldBeEmpty();
        updates[0].ModelId.ShouldBe("gpt-4o-2024-08-06");
        var sent = _emulator.Control.Requests(key).Single();
        sent.Path.ShouldBe("/openai/v1/responses");
        sent.Json!.Value.GetProperty("stream").GetBoolean().ShouldBeTrue();
        sent.Json!.Value.GetProperty("store").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Replays_a_recorded_fixture_over_http()
    {
        var bytes = RepoPaths.FixtureBytes("openai/responses/function-call.sse");
        var expected = ResponsesReference.Extract(RawSse.Parse(bytes));

        var summary = StreamSummary.Of(await StreamAsync(Key(), [new(ChatRole.User, "What is the capital of France?")],
            new ChatOptions { ModelId = "fixture:function-call" }));

        summary.Calls.ShouldBe(expected.Calls);
        summary.Usage.ShouldBe(expected.Usage);
        summary.Finish.ShouldBe("tool_calls");
    }

    [Fact]
    public async Task Non_streaming_answer()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse { Text = "Just this.", Usage = new ScriptedUsage { InputTokens = 3, OutputTokens = 2 } });

        var response = await Client(key).GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4.1" },
            TestContext.Current.CancellationToken);

        response.Text.ShouldBe("Just this.");
        response.Usage!.InputTokenCount.ShouldBe(3);
        response.Usage.OutputTokenCount.ShouldBe(2);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        _emulator.Control.Requests(key).Single().Json!.Value.GetProperty("stream").GetBoolean().ShouldBeFalse();
    }

    [Theory]
    [InlineData("disconnect:1")]
    [InlineData("truncate:1")]
    [InlineData("stall:1")]
    public async Task Broken_non_streaming_body_is_a_transport_error(string fault)
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse { Text = "never whole", Fault = EmulatorFault.Parse(fault) });
        var options = new ProviderRuntimeOptions { StreamIdleTimeout = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.FromMilliseconds(1), CircuitBreaker = false };
        var connection = TestConnections.ApiKey("openai", _emulator.ProviderUrl(EmulatorProviders.OpenAI), key, options);

        var error = await Should.ThrowAsync<ProviderException>(() => new OpenAIProvider(new OpenAIOptions()).CreateChatClient(connection)
            .GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }, TestContext.Current.CancellationToken));

        error.Kind.ShouldBe(ProviderErrorKind.Transport);
        _emulator.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Lists_models_with_known_limits()
    {
        var connection = Connection(Key());

        var models = await new OpenAIProvider(new OpenAIOptions()).ListModelsAsync(connection, TestContext.Current.CancellationToken);

        models.Count.ShouldBe(18);
        var gpt5 = models.Single(m => m.Id == "gpt-5");
        gpt5.OwnedBy.ShouldBe("system");
        gpt5.CreatedAt.ShouldNotBeNull();
        gpt5.ContextWindow.ShouldBe(400_000);
        gpt5.Capabilities.ShouldNotBeNull().ShouldContain("reasoning");
        models.Single(m => m.Id == "gpt-4o-mini-2024-07-18").ContextWindow.ShouldBe(128_000);
    }

    [Fact]
    public async Task Rejected_key_names_the_auth()
    {
        var error = await Should.ThrowAsync<ProviderException>(() =>
            StreamAsync("invalid-key", [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }));

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(401);
        error.Message.ShouldContain("openai/test");
    }

    [Fact]
    public async Task Unknown_model_is_not_found_naming_the_model()
    {
        var error = await Should.ThrowAsync<ProviderException>(() =>
            StreamAsync(Key(), [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-9-turbo" }));

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'gpt-9-turbo'");
    }

    [Fact]
    public async Task Rate_limit_is_retried_after_retry_after_then_succeeds()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, ScriptedResponse.FromFault("429:1"), ScriptedResponse.FromText("After the wait."));
        var clock = Stopwatch.StartNew();

        var summary = StreamSummary.Of(await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }));

        summary.Text.ShouldBe("After the wait.");
        _emulator.Control.Requests(key).Count.ShouldBe(2);
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), "Retry-After: 1 is honoured");
    }

    [Theory]
    [InlineData("503")]
    [InlineData("529")]
    [InlineData("500")]
    public async Task Overload_and_server_errors_are_retried(string fault)
    {
        var key = Key();
        _emulator.Control.Enqueue(key, ScriptedResponse.FromFault(fault), ScriptedResponse.FromText("Recovered."));

        var summary = StreamSummary.Of(await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }));

        summary.Text.ShouldBe("Recovered.");
        _emulator.Control.Requests(key).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("disconnect:4")]
    [InlineData("truncate:4")]
    [InlineData("malformed:4")]
    public async Task Broken_stream_is_one_transport_error_and_not_retried(string fault)
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse { Text = "one two three four five six seven eight", Fault = EmulatorFault.Parse(fault) },
            ScriptedResponse.FromText("must not be used"));

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" });

        var summary = StreamSummary.Of(updates);
        summary.Errors.Count.ShouldBe(1);
        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
        summary.Usage.ShouldBeNull();
        summary.Finish.ShouldBeNull();
        "one two three four five six seven eight".ShouldStartWith(summary.Text);
        _emulator.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Stalled_stream_ends_with_a_transport_error_after_the_idle_timeout()
    {
        var key = Key();
        _emulator.Control.Enqueue(key, new ScriptedResponse { Text = "a b c d e f", Fault = EmulatorFault.Parse("stall:4") });
        var options = new ProviderRuntimeOptions { StreamIdleTimeout = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.FromMilliseconds(1), CircuitBreaker = false };
        var connection = TestConnections.ApiKey("openai", _emulator.ProviderUrl(EmulatorProviders.OpenAI), key, options);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in new OpenAIProvider(new OpenAIOptions()).CreateChatClient(connection)
            .GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        var error = updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>();
        error.ErrorCode.ShouldBe("transport");
        error.Message.ShouldContain("127.0.0.1");
        _emulator.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Expired_oauth_token_is_refreshed_once_and_the_request_retried()
    {
        var stale = $"tok-stale-{Guid.NewGuid():N}";
        var fresh = $"tok-fresh-{Guid.NewGuid():N}";
        _emulator.Control.Enqueue(stale, ScriptedResponse.FromFault("401"));
        _emulator.Control.Enqueue(fresh, ScriptedResponse.FromText("Signed in again."));
        var connection = TestConnections.Create(
            "openai",
            _emulator.ProviderUrl(EmulatorProviders.OpenAI),
            new Maestro.Core.Auths.AuthCredentials { AccessToken = stale },
            type: Maestro.Core.Auths.AuthType.OAuth,
            source: new RefreshingSource(stale, fresh));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in new OpenAIProvider(new OpenAIOptions()).CreateChatClient(connection)
            .GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        StreamSummary.Of(updates).Text.ShouldBe("Signed in again.");
        _emulator.Control.Requests(stale).Count.ShouldBe(1);
        _emulator.Control.Requests(fresh).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Unreachable_base_url_is_a_transport_error_naming_host_and_port()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = TestConnections.ApiKey("openai", new Uri($"http://127.0.0.1:{port}"));

        var error = await Should.ThrowAsync<ProviderException>(async () =>
        {
            await foreach (var _ in new OpenAIProvider(new OpenAIOptions()).CreateChatClient(connection)
                .GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }, TestContext.Current.CancellationToken))
            {
            }
        });

        error.Kind.ShouldBe(ProviderErrorKind.Transport);
        error.Message.ShouldContain($"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Tool_call_round_trip()
    {
        var key = Key();
        _emulator.Control.Enqueue(key,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("get_weather", """{"city":"Paris"}""")),
            ScriptedResponse.FromText("It is sunny in Paris."));
        var tool = RequestJson.Tool("get_weather", "Weather for a city.",
            System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatOptions { ModelId = "gpt-4o", Tools = [tool] };
        List<ChatMessage> history = [new(ChatRole.User, "Weather in Paris?")];

        var first = await StreamAsync(key, history, options);
        var call = first.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        call.Name.ShouldBe("get_weather");
        call.Arguments!["city"]!.ToString().ShouldBe("Paris");
        first[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny, 24 °C")]));

        var second = StreamSummary.Of(await StreamAsync(key, history, options));

        second.Text.ShouldBe("It is sunny in Paris.");
        var input = _emulator.Control.Requests(key)[1].Json!.Value.GetProperty("input");
        var items = input.EnumerateArray().ToList();
        items[^2].GetProperty("type").GetString().ShouldBe("function_call");
        items[^2].GetProperty("call_id").GetString().ShouldBe(call.CallId);
        items[^1].GetProperty("type").GetString().ShouldBe("function_call_output");
        items[^1].GetProperty("call_id").GetString().ShouldBe(call.CallId);
        items[^1].GetProperty("output").GetString().ShouldBe("sunny, 24 °C");
    }

    [Fact]
    public async Task Encrypted_reasoning_goes_back_with_the_next_turn()
    {
        var key = Key();
        _emulator.Control.Enqueue(key,
            new ScriptedResponse { Reasoning = "Thinking it over.", Text = "First." },
            ScriptedResponse.FromText("Second."));
        var options = new ChatOptions { ModelId = "gpt-5", Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } };
        List<ChatMessage> history = [new(ChatRole.User, "Hi")];

        var first = await StreamAsync(key, history, options);
        var summary = StreamSummary.Of(first);
        summary.Reasoning.ShouldBe("Thinking it over.");
        summary.Encrypted.Count.ShouldBe(1);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.User, "And?"));
        await StreamAsync(key, history, options);

        var sent = _emulator.Control.Requests(key)[1].Json!.Value;
        var reasoning = sent.GetProperty("input").EnumerateArray().Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "reasoning");
        reasoning.GetProperty("encrypted_content").GetString().ShouldStartWith("gAAAAAB");
        reasoning.GetProperty("id").GetString().ShouldStartWith("rs_");
        reasoning.GetProperty("summary")[0].GetProperty("text").GetString().ShouldBe("Thinking it over.");
        sent.GetProperty("include")[0].GetString().ShouldBe("reasoning.encrypted_content");
    }

    [Fact]
    public async Task Organization_and_project_headers_are_sent()
    {
        var key = Key();
        var client = new OpenAIProvider(new OpenAIOptions { Organization = "org-123", Project = "proj_abc" }).CreateChatClient(Connection(key));

        await client.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }, TestContext.Current.CancellationToken);

        var headers = _emulator.Control.Requests(key).Single().Headers;
        headers.First(h => h.Key.Equals("OpenAI-Organization", StringComparison.OrdinalIgnoreCase)).Value.ShouldBe("org-123");
        headers.First(h => h.Key.Equals("OpenAI-Project", StringComparison.OrdinalIgnoreCase)).Value.ShouldBe("proj_abc");
    }

    private static string Key() => $"sk-test-{Guid.NewGuid():N}";

    /// <summary>An OAuth login whose token was revoked: a 401 yields a fresh one, once.</summary>
    private sealed class RefreshingSource(string stale, string fresh) : ICredentialSource
    {
        public ValueTask<Maestro.Core.Auths.AuthCredentials> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new Maestro.Core.Auths.AuthCredentials { AccessToken = stale });

        public ValueTask<Maestro.Core.Auths.AuthCredentials?> RefreshAfterRejectionAsync(
            Maestro.Core.Auths.AuthCredentials rejected, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Maestro.Core.Auths.AuthCredentials?>(new Maestro.Core.Auths.AuthCredentials { AccessToken = fresh });
    }

    private ProviderConnection Connection(string key) =>
        TestConnections.ApiKey("openai", _emulator.ProviderUrl(EmulatorProviders.OpenAI), key);

    private OpenAIChatClient Client(string key) => (OpenAIChatClient)new OpenAIProvider(new OpenAIOptions()).CreateChatClient(Connection(key));

    private async Task<List<ChatResponseUpdate>> StreamAsync(string key, IList<ChatMessage> messages, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Client(key).GetStreamingResponseAsync(messages, options, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }
}
