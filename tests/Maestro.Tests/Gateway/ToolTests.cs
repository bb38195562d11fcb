using System.Text.Json;
using Anthropic.Models.Messages;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in this SDK version.

namespace Maestro.Tests.Gateway;

/// <summary>
/// Function tools through every endpoint to every kind of auth: the model's parallel calls reach the client in its own
/// format (streamed), and the results the client sends back reach the provider in the provider's format.
/// </summary>
public sealed class ToolTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Schema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwtools");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string> Targets => ChatCompletionsSdkTests.Targets;

    private static ScriptedResponse TwoCalls => ScriptedResponse.FromToolCalls(
        ScriptedToolCall.Create("get_weather", """{"city":"Paris"}"""),
        ScriptedToolCall.Create("get_weather", """{"city":"Rome"}"""));

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Chat_completions_round_trip(string auth, string model)
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script(auth, TwoCalls, ScriptedResponse.FromText("Paris is sunny, Rome is warm."));
        var client = _bed.OpenAI().GetChatClient($"{auth}/{model}");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather in a city", BinaryData.FromString(Schema)) } };
        List<OpenAI.Chat.ChatMessage> history = [new UserChatMessage("Weather in Paris and Rome?")];

        var calls = new Dictionary<int, (string Id, string Name, System.Text.StringBuilder Arguments)>();
        OpenAI.Chat.ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(history, options, cancellation))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(call.Index, out var known))
                {
                    calls[call.Index] = known = (call.ToolCallId, call.FunctionName, new System.Text.StringBuilder());
                }

                known.Arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        finish.ShouldBe(OpenAI.Chat.ChatFinishReason.ToolCalls);
        calls.Count.ShouldBe(2);
        calls.Values.Select(c => c.Name).ShouldAllBe(n => n == "get_weather");
        calls.Values.Select(c => JsonDocument.Parse(c.Arguments.ToString()).RootElement.GetProperty("city").GetString()).ShouldBe(["Paris", "Rome"]);

        history.Add(new AssistantChatMessage(calls.Values.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Arguments.ToString())))));
        history.Add(new ToolChatMessage(calls[0].Id, "18C and sunny"));
        history.Add(new ToolChatMessage(calls[1].Id, "24C and warm"));
        var answer = (await client.CompleteChatAsync(history, options, cancellation)).Value;

        answer.Content[0].Text.ShouldBe("Paris is sunny, Rome is warm.");
        AssertResultsReached(auth, calls[0].Id, calls[1].Id);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Responses_round_trip(string auth, string model)
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script(auth, TwoCalls, ScriptedResponse.FromText("Paris is sunny, Rome is warm."));
        var client = _bed.Responses();
        var options = new CreateResponseOptions($"{auth}/{model}", [ResponseItem.CreateUserMessageItem("Weather in Paris and Rome?")])
        {
            Tools = { ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString(Schema), false, "Weather in a city") },
            StreamingEnabled = true,
        };

        ResponseResult? first = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(options, cancellation))
        {
            if (update is StreamingResponseCompletedUpdate done)
            {
                first = done.Response;
            }
        }

        var calls = first.ShouldNotBeNull().OutputItems.OfType<FunctionCallResponseItem>().ToList();
        calls.Count.ShouldBe(2);
        calls.Select(c => JsonDocument.Parse(c.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString()).ShouldBe(["Paris", "Rome"]);

        var next = new CreateResponseOptions($"{auth}/{model}", [options.InputItems[0], .. first.OutputItems,
            ResponseItem.CreateFunctionCallOutputItem(calls[0].CallId, "18C and sunny"), ResponseItem.CreateFunctionCallOutputItem(calls[1].CallId, "24C and warm")]);
        next.Tools.Add(options.Tools[0]);
        var answer = (await client.CreateResponseAsync(next, cancellation)).Value;

        answer.GetOutputText().ShouldBe("Paris is sunny, Rome is warm.");
        AssertResultsReached(auth, calls[0].CallId, calls[1].CallId);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Messages_round_trip(string auth, string model)
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script(auth, TwoCalls, ScriptedResponse.FromText("Paris is sunny, Rome is warm."));
        using var client = _bed.Anthropic();
        var tool = new ToolUnion(Parse($$"""{"name":"get_weather","description":"Weather in a city","input_schema":{{Schema}}}"""));
        List<MessageParam> history = [new UserMessageParam("Weather in Paris and Rome?")];

        var uses = new List<(string Id, string Name, System.Text.StringBuilder Input)>();
        string? stop = null;
        await foreach (var e in client.Messages.CreateStreaming(
            new MessageCreateParams { Model = $"{auth}/{model}", MaxTokens = 1024, Messages = history, Tools = [tool] }, cancellation))
        {
            if (e.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var use))
            {
                uses.Add((use.ID, use.Name, new System.Text.StringBuilder()));
            }
            else if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var json))
            {
                uses[^1].Input.Append(json.PartialJson);
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                stop = messageDelta.Delta.StopReason?.Raw();
            }
        }

        stop.ShouldBe("tool_use");
        uses.Count.ShouldBe(2);
        uses.Select(u => JsonDocument.Parse(u.Input.ToString()).RootElement.GetProperty("city").GetString()).ShouldBe(["Paris", "Rome"]);

        var toolUses = string.Join(",", uses.Select(u => $$"""{"type":"tool_use","id":"{{u.Id}}","name":"{{u.Name}}","input":{{u.Input}}}"""));
        history.Add(new MessageParam(Parse($$"""{"role":"assistant","content":[{{toolUses}}]}""")));
        history.Add(new MessageParam(Parse($$"""
            {"role":"user","content":[
              {"type":"tool_result","tool_use_id":"{{uses[0].Id}}","content":"18C and sunny"},
              {"type":"tool_result","tool_use_id":"{{uses[1].Id}}","content":[{"type":"text","text":"24C and warm"}]}]}
            """)));
        var answer = await client.Messages.Create(new MessageCreateParams { Model = $"{auth}/{model}", MaxTokens = 1024, Messages = history, Tools = [tool] }, cancellation);

        answer.Content[0].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("Paris is sunny, Rome is warm.");
        AssertResultsReached(auth, uses[0].Id, uses[1].Id);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Generate_content_round_trip(string auth, string model)
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script(auth, TwoCalls, ScriptedResponse.FromText("Paris is sunny, Rome is warm."));
        using var http = _bed.Gemini();
        const string tools = """[{"functionDeclarations":[{"name":"get_weather","description":"Weather in a city","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}]""";
        var user = """{"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]}""";

        using var first = await http.PostAsync($"/v1beta/models/{auth}/{model}:streamGenerateContent?alt=sse",
            GenerateContentTests.Json($$"""{"contents":[{{user}}],"tools":{{tools}}}"""), cancellation);
        var body = await first.Content.ReadAsStringAsync(cancellation);
        first.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, body);
        var parts = GenerateContentTests.Sse(body)
            .SelectMany(c => c.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray())
            .Where(p => p.TryGetProperty("functionCall", out _))
            .ToList();
        parts.Count.ShouldBe(2);
        parts.Select(p => p.GetProperty("functionCall").GetProperty("args").GetProperty("city").GetString()).ShouldBe(["Paris", "Rome"]);

        // The model's turn goes back as it came (with any thoughtSignature); results are paired with calls by name, in order.
        var modelTurn = $$"""{"role":"model","parts":[{{string.Join(",", parts.Select(p => p.GetRawText()))}}]}""";
        var results = """{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"18C and sunny"}}},{"functionResponse":{"name":"get_weather","response":{"output":"24C and warm"}}}]}""";
        using var second = await http.PostAsync($"/v1beta/models/{auth}/{model}:generateContent",
            GenerateContentTests.Json($$"""{"contents":[{{user}},{{modelTurn}},{{results}}],"tools":{{tools}}}"""), cancellation);
        var answer = await second.Content.ReadAsStringAsync(cancellation);
        second.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, answer);
        GenerateContentTests.Text([JsonDocument.Parse(answer).RootElement]).ShouldBe("Paris is sunny, Rome is warm.");
        AssertResultsReached(auth);
    }

    /// <summary>The provider got both results (and, where it has call ids, the ids the client used).</summary>
    private void AssertResultsReached(string auth, params string[] callIds)
    {
        var sent = _bed.Generations(auth)[^1].BodyText;
        sent.ShouldContain("18C and sunny");
        sent.ShouldContain("24C and warm");
        sent.ShouldContain("get_weather");
        if (!auth.StartsWith("gemini", StringComparison.Ordinal))
        {
            foreach (var id in callIds)
            {
                sent.ShouldContain(id);
            }
        }
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
