using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Emulator;
using Maestro.Providers.Gemini;
using Maestro.Tests.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>The Gemini adapter over real HTTP against the wire-faithful emulator.</summary>
public sealed class GeminiEmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Uri BaseUrl => emulator.Server.ProviderUrl(EmulatorProviders.Gemini);

    [Fact]
    public async Task Streaming_chat_with_a_synthetic_answer()
    {
        var key = EmulatorFixture.NewKey();

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hello Gemini")], new ChatOptions { ModelId = "synthetic:25" });

        GeminiStreamHarness.Errors(updates).ShouldBeEmpty();
        GeminiStreamHarness.Text(updates).ShouldContain("gemini/synthetic:25");
        var usage = GeminiStreamHarness.Usages(updates).Single().Details;
        usage.OutputTokenCount.ShouldBe(25);
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.Stop);

        var request = emulator.Server.Control.Requests(key).Single();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/gemini/v1beta/models/synthetic:25:streamGenerateContent?alt=sse");
        request.Headers.Keys.ShouldContain("x-goog-api-key");
        request.Headers.Keys.ShouldNotContain("authorization");
        request.Json!.Value.GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString().ShouldBe("Hello Gemini");
        request.Json!.Value.GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32().ShouldBe(8192);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("thought-parts-2-5-pro")]
    [InlineData("function-call-thought-signature-3-pro")]
    [InlineData("code-execution")]
    public async Task A_replayed_fixture_gives_what_the_recorded_bytes_give(string fixture)
    {
        var key = EmulatorFixture.NewKey();

        var overHttp = await StreamAsync(key, [new(ChatRole.User, "Replay")], new ChatOptions { ModelId = "fixture:" + fixture });

        var direct = await GeminiStreamHarness.ReadAsync(RepoPaths.FixtureBytes($"gemini/generate-content/{fixture}.sse"), "fixture:" + fixture);
        GeminiStreamHarness.Dump(overHttp).ShouldBe(GeminiStreamHarness.Dump(direct));
    }

    [Fact]
    public async Task Non_streaming_chat_with_a_scripted_answer_and_reasoning()
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Reasoning = "Weighing the options.", Text = "Use the crosswalk." });

        var response = await Client(key).GetResponseAsync(
            [new(ChatRole.User, "How do I cross?")],
            new ChatOptions { ModelId = "gemini-2.5-flash", Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low, Output = ReasoningOutput.Summary } },
            Token);

        response.Text.ShouldBe("Use the crosswalk.");
        var reasoning = response.Messages.Single().Contents.OfType<TextReasoningContent>().ToList();
        reasoning.Select(r => r.Text).ShouldContain("Weighing the options.");
        reasoning.ShouldContain(r => r.ProtectedData != null);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.Usage!.OutputTokenCount.ShouldNotBeNull().ShouldBeGreaterThan(0);
        var request = emulator.Server.Control.Requests(key).Single();
        request.Path.ShouldBe("/gemini/v1beta/models/gemini-2.5-flash:generateContent");
        var thinking = request.Json!.Value.GetProperty("generationConfig").GetProperty("thinkingConfig");
        thinking.GetProperty("includeThoughts").GetBoolean().ShouldBeTrue();
        thinking.GetProperty("thinkingBudget").GetInt32().ShouldBe(1024);
    }

    [Fact]
    public async Task Model_listing_follows_every_page()
    {
        var key = EmulatorFixture.NewKey();
        var provider = new GeminiProvider(new GeminiOptions { BaseUrl = BaseUrl, ModelsPageSize = 3 });

        var models = await provider.ListModelsAsync(Connection(key), Token);

        models.Select(m => m.Id).ShouldBe(["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-lite", "gemini-3-pro-preview", "gemini-flash-latest"]);
        models[0].ContextWindow.ShouldBe(1048576);
        models[0].MaxOutputTokens.ShouldBe(65536);
        models[0].DisplayName.ShouldBe("Gemini 2.5 Flash");
        var requests = emulator.Server.Control.Requests(key);
        requests.Count.ShouldBe(3);
        requests.ShouldAllBe(r => r.Method == "GET" && r.Path.StartsWith("/gemini/v1beta/models?pageSize=3", StringComparison.Ordinal));
        requests[1].Path.ShouldContain("pageToken=");
    }

    [Fact]
    public async Task A_rejected_token_is_an_authentication_error_naming_the_auth()
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, ScriptedResponse.FromFault("401"));

        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }));

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(401);
        error.Message.ShouldContain("gemini/test");
        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_invalid_api_key_is_an_authentication_error_although_google_says_400()
    {
        var key = EmulatorFixture.NewKey("invalid");

        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }));

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(400);
        error.Message.ShouldContain("gemini/test");
        error.ProviderMessage.ShouldBe("API key not valid. Please pass a valid API key.");
    }

    [Fact]
    public async Task An_unknown_model_is_not_found_naming_the_model()
    {
        var key = EmulatorFixture.NewKey();

        var error = await Should.ThrowAsync<ProviderException>(() => Client(key).GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-9-ultra" }, Token));

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.StatusCode.ShouldBe(404);
        error.Message.ShouldContain("'gemini-9-ultra'");
        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_then_succeeds()
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Fault = EmulatorFault.Parse("429"), RetryAfter = 1 }, ScriptedResponse.FromText("After the wait."));

        var clock = Stopwatch.StartNew();
        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" });

        GeminiStreamHarness.Text(updates).ShouldBe("After the wait.");
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        emulator.Server.Control.Requests(key).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("503")]
    [InlineData("529")]
    [InlineData("500")]
    public async Task Server_failures_before_the_answer_are_retried(string fault)
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, ScriptedResponse.FromFault(fault), ScriptedResponse.FromText("Recovered."));

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" });

        GeminiStreamHarness.Text(updates).ShouldBe("Recovered.");
        emulator.Server.Control.Requests(key).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Overloaded_to_the_end_is_an_overloaded_error()
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, [.. Enumerable.Repeat(ScriptedResponse.FromFault("503"), 4)]);

        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }));

        error.Kind.ShouldBe(ProviderErrorKind.Overloaded);
        emulator.Server.Control.Requests(key).Count.ShouldBe(4);
    }

    [Theory]
    [InlineData("disconnect:3")]
    [InlineData("truncate:3")]
    [InlineData("malformed:2")]
    public async Task A_broken_stream_ends_with_one_transport_error_and_is_not_retried(string fault)
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Text = "one two three four five six seven eight", Fault = EmulatorFault.Parse(fault) });

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" });

        var error = GeminiStreamHarness.Errors(updates).Single();
        error.ErrorCode.ShouldBe("transport");
        updates[^1].Contents.ShouldContain(error);
        GeminiStreamHarness.Usages(updates).ShouldBeEmpty();
        "one two three four five six seven eight".ShouldStartWith(GeminiStreamHarness.Text(updates));
        if (!fault.StartsWith("malformed", StringComparison.Ordinal))
        {
            GeminiStreamHarness.Text(updates).ShouldNotBeEmpty();
        }

        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_stalled_stream_fails_after_the_idle_timeout()
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Text = "one two three four five", Fault = EmulatorFault.Parse("stall:2") });
        var options = new ProviderRuntimeOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), CircuitBreaker = false, StreamIdleTimeout = TimeSpan.FromSeconds(1) };

        var updates = await StreamAsync(key, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, options);

        var error = GeminiStreamHarness.Errors(updates).Single();
        error.ErrorCode.ShouldBe("transport");
        error.Message.ShouldContain("no data arrived");
        emulator.Server.Control.Requests(key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_unreachable_base_url_is_a_transport_error_naming_host_and_port()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = TestConnections.Create("gemini", new Uri($"http://127.0.0.1:{port}/gemini"), new AuthCredentials { ApiKey = "k" },
            new ProviderRuntimeOptions { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1), CircuitBreaker = false });
        var client = new GeminiProvider(new GeminiOptions()).CreateChatClient(connection);

        var error = await Should.ThrowAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, Token))
            {
                _ = update;
            }
        });

        error.Kind.ShouldBe(ProviderErrorKind.Transport);
        error.Message.ShouldContain($"127.0.0.1:{port}");
    }

    [Fact]
    public async Task A_tool_call_round_trip()
    {
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(
            key,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("get_weather", """{"city": "Paris", "days": 2}""")),
            ScriptedResponse.FromText("Sunny in Paris for two days."));
        var weather = AIFunctionFactory.CreateDeclaration("get_weather", "Weather forecast", GeminiRequestFixtureTests.Json("""
            {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}}, "required": ["city"], "additionalProperties": false}
            """));
        var options = new ChatOptions { ModelId = "gemini-2.5-flash", Tools = [weather] };
        List<ChatMessage> history = [new(ChatRole.User, "Weather in Paris?")];

        var first = await StreamAsync(key, history, options);
        var call = GeminiStreamHarness.Calls(first).Single();
        call.Name.ShouldBe("get_weather");
        ((JsonElement)call.Arguments!["city"]!).GetString().ShouldBe("Paris");
        ((JsonElement)call.Arguments["days"]!).GetInt32().ShouldBe(2);
        first[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);

        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, GeminiRequestFixtureTests.Json("""{"forecast": "sunny"}"""))]));
        var second = await StreamAsync(key, history, options);

        GeminiStreamHarness.Text(second).ShouldBe("Sunny in Paris for two days.");
        var requests = emulator.Server.Control.Requests(key);
        requests.Count.ShouldBe(2);
        var declared = requests[0].Json!.Value.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        declared.GetProperty("name").GetString().ShouldBe("get_weather");
        declared.GetProperty("parameters").TryGetProperty("additionalProperties", out _).ShouldBeFalse();
        var contents = requests[1].Json!.Value.GetProperty("contents");
        contents.GetArrayLength().ShouldBe(3);
        var sentCall = contents[1].GetProperty("parts")[0];
        sentCall.GetProperty("functionCall").GetProperty("id").GetString().ShouldBe(call.CallId);
        sentCall.TryGetProperty("thoughtSignature", out var signature).ShouldBe(call.AdditionalProperties?.ContainsKey("thought_signature") == true);
        if (signature.ValueKind == JsonValueKind.String)
        {
            signature.GetString().ShouldBe((string)call.AdditionalProperties!["thought_signature"]!);
        }

        var result = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        contents[2].GetProperty("role").GetString().ShouldBe("user");
        result.GetProperty("name").GetString().ShouldBe("get_weather");
        result.GetProperty("id").GetString().ShouldBe(call.CallId);
        result.GetProperty("response").GetProperty("forecast").GetString().ShouldBe("sunny");
    }

    [Fact]
    public async Task OAuth_uses_the_bearer_token_and_the_user_project()
    {
        var token = EmulatorFixture.NewKey("ya29");
        var connection = TestConnections.Create("gemini", BaseUrl, new AuthCredentials { AccessToken = token }, type: AuthType.OAuth,
            metadata: new Dictionary<string, string> { ["project_id"] = "my-project" });
        var client = new GeminiProvider(new GeminiOptions { BaseUrl = BaseUrl }).CreateChatClient(connection);
        emulator.Server.Control.Enqueue(token, ScriptedResponse.FromText("Hello, OAuth."));

        var response = await client.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, Token);

        response.Text.ShouldBe("Hello, OAuth.");
        var request = emulator.Server.Control.Requests(token).Single();
        request.Headers.Keys.ShouldContain("authorization");
        request.Headers.Keys.ShouldNotContain("x-goog-api-key");
        request.Headers["x-goog-user-project"].ShouldBe("my-project");
    }

    private ProviderConnection Connection(string key, ProviderRuntimeOptions? options = null) =>
        TestConnections.Create("gemini", BaseUrl, new AuthCredentials { ApiKey = key }, options);

    private GeminiChatClient Client(string key, ProviderRuntimeOptions? options = null) =>
        (GeminiChatClient)new GeminiProvider(new GeminiOptions { BaseUrl = BaseUrl }).CreateChatClient(Connection(key, options));

    private async Task<List<ChatResponseUpdate>> StreamAsync(string key, IList<ChatMessage> messages, ChatOptions options, ProviderRuntimeOptions? runtime = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Client(key, runtime).GetStreamingResponseAsync(messages, options, Token))
        {
            updates.Add(update);
        }

        return updates;
    }
}
