using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Emulator;
using Maestro.Providers.Anthropic;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>The Anthropic adapter over real HTTP against the wire-faithful emulator.</summary>
public sealed class AnthropicEmulatorTests(AnthropicEmulatorFixture emulator) : IClassFixture<AnthropicEmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (IChatClient Client, AnthropicProvider Provider, ProviderConnection Connection) Connect(
        string key, ProviderRuntimeOptions? runtime = null, AuthType type = AuthType.ApiKey, ICredentialSource? source = null, Uri? baseUrl = null)
    {
        var credentials = type == AuthType.OAuth ? new AuthCredentials { AccessToken = key } : new AuthCredentials { ApiKey = key };
        var connection = TestConnections.Create("anthropic", baseUrl ?? emulator.BaseUrl, credentials, runtime, type: type, source: source);
        var provider = new AnthropicProvider(new AnthropicOptions { BaseUrl = emulator.BaseUrl, ModelsPageSize = 4 });
        return (provider.CreateChatClient(connection), provider, connection);
    }

    private static Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, string model, IEnumerable<ChatMessage>? messages = null, ChatOptions? options = null)
    {
        options ??= new ChatOptions();
        options.ModelId = model;
        return client.GetStreamingResponseAsync(messages ?? [new(ChatRole.User, "Hello")], options, Ct).ToListAsync(Ct).AsTask();
    }

    [Fact]
    public async Task Streaming_replays_a_recorded_fixture()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (client, _, _) = Connect(key);
        var updates = await StreamAsync(client, "fixture:tool-use-single");

        var expected = AnthropicReferenceExtraction.From(File.ReadAllText(RepoPaths.Fixture("anthropic/messages/tool-use-single.sse")));
        var summary = AnthropicStreamHarness.Summarize(updates);
        summary.Errors.ShouldBeEmpty();
        summary.Calls.Single().Id.ShouldBe(expected.ToolCalls.Single().Id);
        summary.Usages.Single().OutputTokenCount.ShouldBe(expected.OutputTokens);

        var request = emulator.Server.Control.Requests(key).Single();
        request.Path.ShouldBe("/anthropic/v1/messages");
        request.Headers["anthropic-version"].ShouldBe("2023-06-01");
        request.Json!.Value.GetProperty("stream").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Streaming_synthetic_answer_is_complete()
    {
        var (client, _, _) = Connect(AnthropicEmulatorFixture.NewKey());
        var updates = await StreamAsync(client, "synthetic:50", options: new ChatOptions { Reasoning = new() { Effort = ReasoningEffort.Low } });
        var summary = AnthropicStreamHarness.Summarize(updates);
        summary.Errors.ShouldBeEmpty();
        summary.Text.ShouldNotBeNullOrWhiteSpace();
        summary.Usages.Count.ShouldBe(1);
        summary.Finish.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Non_streaming_answer_is_one_message()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse
        {
            Text = "Hello from the emulator.",
            Reasoning = "Thinking first.",
            Usage = new ScriptedUsage { InputTokens = 12, OutputTokens = 7 },
        });
        var (client, _, _) = Connect(key);
        var response = await client.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "claude-sonnet-4-5" }, Ct);

        response.Text.ShouldBe("Hello from the emulator.");
        response.Messages.Single().Contents.OfType<TextReasoningContent>().Single().Text.ShouldBe("Thinking first.");
        response.Usage!.InputTokenCount.ShouldBe(12);
        response.Usage.OutputTokenCount.ShouldBe(7);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        emulator.Server.Control.Requests(key).Single().Json!.Value.TryGetProperty("stream", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Model_listing_follows_pagination_to_the_end()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (_, provider, connection) = Connect(key);
        var models = await provider.ListModelsAsync(connection, Ct);

        models.Count.ShouldBe(9);
        models.Select(m => m.Id).ShouldBeUnique();
        var sonnet = models.Single(m => m.Id == "claude-sonnet-4-5-20250929");
        sonnet.DisplayName.ShouldBe("Claude Sonnet 4.5");
        sonnet.CreatedAt.ShouldNotBeNull();
        (sonnet.ContextWindow, sonnet.MaxOutputTokens).ShouldBe((200_000, 64_000));
        var paths = emulator.Server.Control.Requests(key).Select(r => r.Path).ToList();
        paths.Count.ShouldBe(3);
        paths[0].ShouldBe("/anthropic/v1/models?limit=4");
        paths[1].ShouldContain("after_id=");
    }

    [Fact]
    public async Task Rejected_key_is_an_authentication_error_naming_the_auth()
    {
        var (client, _, connection) = Connect("invalid-" + AnthropicEmulatorFixture.NewKey());
        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(client, "claude-sonnet-4-5"));
        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(401);
        error.Message.ShouldContain(connection.AuthLabel);
        error.ProviderMessage.ShouldBe("invalid x-api-key");
    }

    [Fact]
    public async Task OAuth_login_is_accepted_with_the_documented_headers()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (client, _, _) = Connect(key, type: AuthType.OAuth);
        var summary = AnthropicStreamHarness.Summarize(await StreamAsync(client, "synthetic:5"));
        summary.Errors.ShouldBeEmpty();
        var headers = emulator.Server.Control.Requests(key).Single().Headers;
        headers["anthropic-beta"].ShouldBe("oauth-2025-04-20");
        headers.ContainsKey("x-api-key").ShouldBeFalse();
    }

    [Fact]
    public async Task A_401_refreshes_the_login_once_and_retries()
    {
        var stale = AnthropicEmulatorFixture.NewKey();
        var fresh = AnthropicEmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(stale, ScriptedResponse.FromFault("401"));
        emulator.Server.Control.Enqueue(fresh, ScriptedResponse.FromText("refreshed"));
        var source = new RefreshingSource(new AuthCredentials { AccessToken = stale }, new AuthCredentials { AccessToken = fresh });
        var (client, _, _) = Connect(stale, type: AuthType.OAuth, source: source);

        AnthropicStreamHarness.Summarize(await StreamAsync(client, "claude-sonnet-4-5")).Text.ShouldBe("refreshed");
        source.Refreshes.ShouldBe(1);
        emulator.Server.Control.Requests(stale).Count.ShouldBe(1);
        emulator.Server.Control.Requests(fresh).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Unknown_model_is_not_found_naming_the_model_and_not_retried()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (client, _, _) = Connect(key);
        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(client, "claude-sonet-4-5"));
        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'claude-sonet-4-5'");
        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Rate_limit_is_retried_after_retry_after_then_succeeds()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Fault = EmulatorFault.Parse("429"), RetryAfter = 1 }, ScriptedResponse.FromText("after the wait"));
        var (client, _, _) = Connect(key);
        var watch = Stopwatch.StartNew();
        var summary = AnthropicStreamHarness.Summarize(await StreamAsync(client, "claude-sonnet-4-5"));

        summary.Text.ShouldBe("after the wait");
        summary.Errors.ShouldBeEmpty();
        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        emulator.Server.Control.Requests(key).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("529")]
    [InlineData("503")]
    [InlineData("500")]
    public async Task Overloaded_and_server_errors_are_retried(string fault)
    {
        var key = AnthropicEmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, ScriptedResponse.FromFault(fault), ScriptedResponse.FromText("recovered"));
        var (client, _, _) = Connect(key);
        AnthropicStreamHarness.Summarize(await StreamAsync(client, "claude-sonnet-4-5")).Text.ShouldBe("recovered");
        emulator.Server.Control.Requests(key).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Overloaded_after_all_retries_is_thrown_typed()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (client, _, _) = Connect(key, new ProviderRuntimeOptions { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1), CircuitBreaker = false });
        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(client, "fault:529"));
        error.Kind.ShouldBe(ProviderErrorKind.Overloaded);
        error.StatusCode.ShouldBe(529);
        emulator.Server.Control.Requests(key).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("fault:disconnect:4")]
    [InlineData("fault:truncate:4")]
    [InlineData("fault:malformed:4")]
    public async Task A_broken_stream_is_one_transport_error_and_not_retried(string model)
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (client, _, _) = Connect(key);
        var updates = await StreamAsync(client, model);
        var summary = AnthropicStreamHarness.Summarize(updates);

        summary.Errors.Count.ShouldBe(1);
        summary.Errors[0].ErrorCode.ShouldBe("transport");
        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>();
        summary.Usages.ShouldBeEmpty();
        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_stalled_stream_fails_after_the_idle_timeout()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        var (client, _, _) = Connect(key, new ProviderRuntimeOptions
        {
            StreamIdleTimeout = TimeSpan.FromSeconds(1),
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            CircuitBreaker = false,
        });
        var summary = AnthropicStreamHarness.Summarize(await StreamAsync(client, "fault:stall:3"));
        summary.Errors.Single().ErrorCode.ShouldBe("transport");
        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Unreachable_base_url_is_a_transport_error_naming_host_and_port()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var (client, _, _) = Connect(AnthropicEmulatorFixture.NewKey(), baseUrl: new Uri($"http://127.0.0.1:{port}/anthropic"));
        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(client, "claude-sonnet-4-5"));
        error.Kind.ShouldBe(ProviderErrorKind.Transport);
        error.Message.ShouldContain($"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Tool_call_round_trip()
    {
        var key = AnthropicEmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(
            key,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("weather", """{"city":"Oslo"}""")),
            ScriptedResponse.FromText("It is 4°C in Oslo."));
        var (client, _, _) = Connect(key);
        var weather = AIFunctionFactory.CreateDeclaration("weather", "Current weather", JsonDocument.Parse(
            """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);
        var options = new ChatOptions { Tools = [weather] };
        var history = new List<ChatMessage> { new(ChatRole.User, "Weather in Oslo?") };

        var first = await StreamAsync(client, "claude-sonnet-4-5", history, options);
        first[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        history.AddMessages(first);
        var call = history[^1].Contents.OfType<FunctionCallContent>().Single();
        call.Name.ShouldBe("weather");
        ((JsonElement)call.Arguments!["city"]!).GetString().ShouldBe("Oslo");
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "4°C, light snow")]));

        var second = await StreamAsync(client, "claude-sonnet-4-5", history, options);
        AnthropicStreamHarness.Summarize(second).Text.ShouldBe("It is 4°C in Oslo.");

        var sent = emulator.Server.Control.Requests(key)[1].Json!.Value.GetProperty("messages");
        sent.GetArrayLength().ShouldBe(3);
        var toolUse = sent[1].GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        var toolResult = sent[2].GetProperty("content")[0];
        toolResult.GetProperty("type").GetString().ShouldBe("tool_result");
        toolResult.GetProperty("tool_use_id").GetString().ShouldBe(toolUse.GetProperty("id").GetString());
        toolUse.GetProperty("id").GetString().ShouldBe(call.CallId);
    }

    private sealed class RefreshingSource(AuthCredentials current, AuthCredentials fresh) : ICredentialSource
    {
        public int Refreshes { get; private set; }

        public ValueTask<AuthCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(current);

        public ValueTask<AuthCredentials?> RefreshAfterRejectionAsync(AuthCredentials rejected, CancellationToken cancellationToken)
        {
            Refreshes++;
            return ValueTask.FromResult<AuthCredentials?>(fresh);
        }
    }
}
