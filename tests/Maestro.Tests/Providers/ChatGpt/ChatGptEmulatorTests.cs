using System.Text;
using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Emulator;
using Maestro.Providers.OpenAI;
using Maestro.Providers.OpenAI.ChatGpt;
using Maestro.Tests.Emulator;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.ChatGpt;

/// <summary>ChatGPT logins through the OpenAI provider, over real HTTP against the emulated ChatGPT Codex backend.</summary>
public sealed class ChatGptEmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string Model = "gpt-5.2-codex";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Uri ApiUrl => emulator.Server.ProviderUrl(EmulatorProviders.OpenAI);

    private Uri ChatGptUrl => emulator.Server.ProviderUrl(EmulatorProviders.ChatGpt);

    private OpenAIProvider Provider => new(new OpenAIOptions { BaseUrl = ApiUrl, ChatGptBaseUrl = ChatGptUrl });

    [Fact]
    public async Task Streams_through_the_chatgpt_backend_with_its_headers_and_fields()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse
        {
            Text = "Hello from your plan.",
            Usage = new ScriptedUsage { InputTokens = 20, OutputTokens = 6, CachedTokens = 8, ReasoningTokens = 2 },
        });
        var options = new ChatOptions { ModelId = Model, MaxOutputTokens = 500, Temperature = 0.2f, TopP = 0.9f };

        var updates = await StreamAsync(token, [new(ChatRole.User, "Hi")], options);

        var summary = StreamSummary.Of(updates);
        summary.Errors.ShouldBeEmpty();
        summary.Text.ShouldBe("Hello from your plan.");
        summary.Usage.ShouldBe(StreamSummary.UsageText(20, 6, 26, 8, 2));
        summary.Finish.ShouldBe("stop");
        updates[0].ModelId.ShouldBe(Model);

        var sent = emulator.Server.Control.Requests(token).Single();
        sent.Provider.ShouldBe("chatgpt");
        sent.Path.ShouldBe("/chatgpt/responses");
        sent.Headers["authorization"].ShouldBe("Bearer [redacted]");
        sent.Headers["chatgpt-account-id"].ShouldBe(ChatGptConnections.Account);
        sent.Headers["accept"].ShouldBe("text/event-stream");
        sent.Headers.Keys.ShouldNotContain("originator");
        sent.Headers.Keys.ShouldNotContain("openai-organization");
        var body = sent.Json!.Value;
        body.GetProperty("model").GetString().ShouldBe(Model);
        body.GetProperty("instructions").GetString().ShouldBe(ChatGptRequestBody.DefaultInstructions);
        body.GetProperty("store").GetBoolean().ShouldBeFalse();
        body.GetProperty("stream").GetBoolean().ShouldBeTrue();
        body.GetProperty("include")[0].GetString().ShouldBe("reasoning.encrypted_content");
        body.TryGetProperty("max_output_tokens", out _).ShouldBeFalse();
        body.TryGetProperty("temperature", out _).ShouldBeFalse();
        body.TryGetProperty("top_p", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task The_system_prompt_is_sent_as_instructions()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, ScriptedResponse.FromText("Arr."));

        await StreamAsync(token, [new(ChatRole.System, "Answer like a pirate."), new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = Model, Instructions = "You review code." });

        var body = emulator.Server.Control.Requests(token).Single().Json!.Value;
        body.GetProperty("instructions").GetString().ShouldBe("You review code.\n\nAnswer like a pirate.");
        var roles = body.GetProperty("input").EnumerateArray().Select(item => item.TryGetProperty("role", out var role) ? role.GetString() : null).ToList();
        roles.ShouldNotContain("system");
    }

    [Fact]
    public async Task Non_streaming_reads_the_stream_to_its_end()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse
        {
            Reasoning = "Counting.",
            Text = "Just this.",
            Usage = new ScriptedUsage { InputTokens = 3, OutputTokens = 4, ReasoningTokens = 2 },
        });

        var response = await Client(token).GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Token);

        response.Text.ShouldBe("Just this.");
        response.Usage!.InputTokenCount.ShouldBe(3);
        response.Usage.OutputTokenCount.ShouldBe(4);
        response.Usage.ReasoningTokenCount.ShouldBe(2);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.ModelId.ShouldBe(Model);
        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().ToList();
        reasoning.ShouldContain(r => r.Text.Contains("Counting."));
        reasoning.ShouldContain(r => r.ProtectedData != null && r.ProtectedData.StartsWith("gAAAAAB", StringComparison.Ordinal));
        emulator.Server.Control.Requests(token).Single().Json!.Value.GetProperty("stream").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Non_streaming_throws_an_error_reported_inside_the_stream()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse { Text = "one two three four five six", Fault = EmulatorFault.Parse("truncate:3") });

        var error = await Should.ThrowAsync<ProviderException>(() =>
            Client(token).GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Token));

        error.Kind.ShouldBe(ProviderErrorKind.Transport);
        emulator.Server.Control.Requests(token).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Tool_call_round_trip()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path":"README.md"}""")),
            ScriptedResponse.FromText("The README says hello."));
        var tool = RequestJson.Tool("read_file", "Reads a file.",
            System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"""));
        var options = new ChatOptions { ModelId = Model, Tools = [tool] };
        List<ChatMessage> history = [new(ChatRole.User, "What does the README say?")];

        var first = await StreamAsync(token, history, options);
        var call = first.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        call.Name.ShouldBe("read_file");
        call.Arguments!["path"]!.ToString().ShouldBe("README.md");
        first[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "hello")]));

        StreamSummary.Of(await StreamAsync(token, history, options)).Text.ShouldBe("The README says hello.");

        var requests = emulator.Server.Control.Requests(token);
        requests[0].Json!.Value.GetProperty("tools")[0].GetProperty("name").GetString().ShouldBe("read_file");
        var items = requests[1].Json!.Value.GetProperty("input").EnumerateArray().ToList();
        var sentCall = items.Single(i => i.TryGetProperty("type", out var type) && type.GetString() == "function_call");
        sentCall.GetProperty("call_id").GetString().ShouldBe(call.CallId);
        var output = items[^1];
        output.GetProperty("type").GetString().ShouldBe("function_call_output");
        output.GetProperty("call_id").GetString().ShouldBe(call.CallId);
        output.GetProperty("output").GetString().ShouldBe("hello");
    }

    [Fact]
    public async Task Encrypted_reasoning_goes_back_with_the_next_turn()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token,
            new ScriptedResponse { Reasoning = "Thinking it over.", Text = "First." },
            ScriptedResponse.FromText("Second."));
        var options = new ChatOptions { ModelId = Model, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } };
        List<ChatMessage> history = [new(ChatRole.User, "Hi")];

        var first = await StreamAsync(token, history, options);
        var summary = StreamSummary.Of(first);
        summary.Reasoning.ShouldBe("Thinking it over.");
        summary.Encrypted.Count.ShouldBe(1);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.User, "And?"));
        await StreamAsync(token, history, options);

        var sent = emulator.Server.Control.Requests(token)[1].Json!.Value;
        sent.GetProperty("reasoning").GetProperty("effort").GetString().ShouldBe("high");
        var reasoning = sent.GetProperty("input").EnumerateArray().Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "reasoning");
        reasoning.GetProperty("encrypted_content").GetString().ShouldStartWith("gAAAAAB");
        reasoning.GetProperty("id").GetString().ShouldStartWith("rs_");
        reasoning.GetProperty("summary")[0].GetProperty("text").GetString().ShouldBe("Thinking it over.");
    }

    [Fact]
    public async Task A_recorded_responses_stream_replays_through_the_backend()
    {
        var bytes = RepoPaths.FixtureBytes("openai/responses/function-call.sse");
        var expected = ResponsesReference.Extract(RawSse.Parse(bytes));

        var summary = StreamSummary.Of(await StreamAsync(EmulatorFixture.NewKey("chatgpt"), [new(ChatRole.User, "Capital of France?")],
            new ChatOptions { ModelId = "fixture:function-call" }));

        summary.Calls.ShouldBe(expected.Calls);
        summary.Usage.ShouldBe(expected.Usage);
        summary.Finish.ShouldBe("tool_calls");
    }

    [Fact]
    public async Task Lists_the_models_the_backend_offers()
    {
        var token = EmulatorFixture.NewKey("chatgpt");

        var models = await Provider.ListModelsAsync(ChatGptConnections.Create(ApiUrl, token), Token);

        models.Select(m => m.Id).ShouldBe(["gpt-5.2-codex", "gpt-5.2", "gpt-5.1-codex-max", "gpt-5.1-codex-mini"]);
        var codex = models[0];
        codex.DisplayName.ShouldBe("gpt-5.2-codex");
        codex.ContextWindow.ShouldBe(272_000);
        codex.Capabilities.ShouldNotBeNull().ShouldContain("reasoning");
        codex.Capabilities.ShouldContain("effort:xhigh");
        var sent = emulator.Server.Control.Requests(token).Single();
        sent.Method.ShouldBe("GET");
        sent.Path.ShouldBe("/chatgpt/models?client_version=0.0.0");
        sent.Headers["chatgpt-account-id"].ShouldBe(ChatGptConnections.Account);
    }

    [Fact]
    public async Task An_api_key_auth_still_uses_the_api()
    {
        var key = EmulatorFixture.NewKey("sk");

        var models = await Provider.ListModelsAsync(TestConnections.ApiKey("openai", ApiUrl, key), Token);

        models.ShouldContain(m => m.Id == "gpt-4o");
        emulator.Server.Control.Requests(key).Single().Path.ShouldBe("/openai/v1/models");
    }

    [Fact]
    public async Task An_auths_own_base_url_wins_over_the_setting()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, ScriptedResponse.FromText("Via the override."));
        var connection = ChatGptConnections.Create(ChatGptUrl, token, extra: new Dictionary<string, string> { [AuthMetadata.BaseUrl] = ChatGptUrl.ToString() });
        var provider = new OpenAIProvider(new OpenAIOptions { ChatGptBaseUrl = new Uri("http://127.0.0.1:9/unused") });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in provider.CreateChatClient(connection).GetStreamingResponseAsync(
            [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Token))
        {
            updates.Add(update);
        }

        StreamSummary.Of(updates).Text.ShouldBe("Via the override.");
    }

    [Fact]
    public async Task Expired_token_is_refreshed_once_and_the_request_retried()
    {
        var stale = EmulatorFixture.NewKey("stale");
        var fresh = EmulatorFixture.NewKey("fresh");
        emulator.Server.Control.Enqueue(stale, ScriptedResponse.FromFault("401"));
        emulator.Server.Control.Enqueue(fresh, ScriptedResponse.FromText("Signed in again."));
        var source = new ChatGptConnections.RefreshingSource(stale, fresh);
        var client = Provider.CreateChatClient(ChatGptConnections.Create(ApiUrl, stale, source: source));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Token))
        {
            updates.Add(update);
        }

        StreamSummary.Of(updates).Text.ShouldBe("Signed in again.");
        source.Refreshes.ShouldBe(1);
        emulator.Server.Control.Requests(stale).Count.ShouldBe(1);
        emulator.Server.Control.Requests(fresh).Single().Headers["chatgpt-account-id"].ShouldBe(ChatGptConnections.Account);
    }

    [Fact]
    public async Task A_second_401_after_the_refresh_is_an_authentication_error()
    {
        var stale = EmulatorFixture.NewKey("stale");
        var fresh = "invalid-" + Guid.NewGuid().ToString("N");
        emulator.Server.Control.Enqueue(stale, ScriptedResponse.FromFault("401"));
        var source = new ChatGptConnections.RefreshingSource(stale, fresh);

        var chat = await Should.ThrowAsync<ProviderException>(async () =>
        {
            await foreach (var _ in Provider.CreateChatClient(ChatGptConnections.Create(ApiUrl, stale, source: source))
                .GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Token))
            {
            }
        });

        source.Refreshes.ShouldBe(1);
        chat.Kind.ShouldBe(ProviderErrorKind.Authentication);
        chat.StatusCode.ShouldBe(401);
        chat.Message.ShouldContain("openai/test");
    }

    [Fact]
    public async Task A_login_without_an_account_id_fails_before_any_call()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        var connection = ChatGptConnections.Create(ApiUrl, token, account: null);

        var chat = await Should.ThrowAsync<ProviderException>(async () =>
        {
            await foreach (var _ in Provider.CreateChatClient(connection)
                .GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Token))
            {
            }
        });
        var list = await Should.ThrowAsync<ProviderException>(() => Provider.ListModelsAsync(connection, Token));

        chat.Kind.ShouldBe(ProviderErrorKind.Authentication);
        chat.Message.ShouldContain("openai/test");
        chat.Message.ShouldContain("account_id");
        chat.Hint.ShouldNotBeNull().ShouldContain("maestro auth login openai test");
        list.Message.ShouldBe(chat.Message);
        emulator.Server.Control.Requests(token).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_model_the_plan_does_not_serve_is_not_found_naming_it()
    {
        var error = await Should.ThrowAsync<ProviderException>(() =>
            StreamAsync(EmulatorFixture.NewKey("chatgpt"), [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = OpenAIProvider.DefaultModel }));

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain($"'{OpenAIProvider.DefaultModel}'");
        error.ProviderMessage.ShouldNotBeNull().ShouldContain("not supported when using Codex with a ChatGPT account");
        error.Hint.ShouldNotBeNull().ShouldContain("maestro models openai/test");
    }

    [Fact]
    public async Task Rate_limits_are_retried_then_succeed()
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, ScriptedResponse.FromFault("429:1"), ScriptedResponse.FromText("After the wait."));

        StreamSummary.Of(await StreamAsync(token, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model })).Text.ShouldBe("After the wait.");

        emulator.Server.Control.Requests(token).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("disconnect:4")]
    [InlineData("malformed:4")]
    public async Task A_broken_stream_is_one_transport_error_and_not_retried(string fault)
    {
        var token = EmulatorFixture.NewKey("chatgpt");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse { Text = "one two three four five six seven", Fault = EmulatorFault.Parse(fault) },
            ScriptedResponse.FromText("must not be used"));

        var updates = await StreamAsync(token, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model });

        var summary = StreamSummary.Of(updates);
        summary.Errors.Count.ShouldBe(1);
        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
        emulator.Server.Control.Requests(token).Count.ShouldBe(1);
    }

    private ChatGptChatClient Client(string token) =>
        (ChatGptChatClient)Provider.CreateChatClient(ChatGptConnections.Create(ApiUrl, token));

    private async Task<List<ChatResponseUpdate>> StreamAsync(string token, IList<ChatMessage> messages, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Client(token).GetStreamingResponseAsync(messages, options, Token))
        {
            updates.Add(update);
        }

        return updates;
    }
}
