using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Core.Errors;
using Maestro.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>The Responses request writer against recorded request bodies and the mapping rules.</summary>
public sealed class ResponsesRequestMappingTests
{
    [Fact]
    public void Function_call_request_matches_the_recording()
    {
        var recorded = RequestJson.Fixture("openai/responses/function-call.request.json");
        var options = new ChatOptions { ModelId = "gpt-4o", Tools = RequestJson.Tools(recorded), ToolMode = ChatToolMode.Auto };

        var written = Write([new(ChatRole.User, "What is the capital of France?")], options, stream: true);

        RequestJson.ShouldMatch(written["model"], recorded["model"], "model");
        RequestJson.ShouldMatch(written["input"], recorded["input"], "input");
        RequestJson.ShouldMatch(written["tool_choice"], recorded["tool_choice"], "tool_choice");
        RequestJson.ShouldMatch(written["stream"], recorded["stream"], "stream");
        var tool = written["tools"]![0]!;
        tool["type"]!.GetValue<string>().ShouldBe("function");
        tool["name"]!.GetValue<string>().ShouldBe("get_capital");
        RequestJson.ShouldMatch(tool["parameters"], recorded["tools"]![0]!["parameters"], "parameters");
        tool["strict"]!.GetValue<bool>().ShouldBeFalse();
        written["store"]!.GetValue<bool>().ShouldBeFalse();
        written["max_output_tokens"]!.GetValue<int>().ShouldBe(16_384);
        written.ContainsKey("instructions").ShouldBeFalse("an empty system prompt is not sent");
        written.ContainsKey("reasoning").ShouldBeFalse("gpt-4o does not reason");
    }

    [Theory]
    [InlineData("openai/responses/text-after-function-output.request.json", "gpt-4o")]
    [InlineData("openai/responses/text-after-function-output-reasoning-model.request.json", "gpt-5.5")]
    public void Tool_round_trip_history_matches_the_recording(string fixture, string model)
    {
        var recorded = RequestJson.Fixture(fixture);
        var input = recorded["input"]!.AsArray();
        var call = input[1]!;
        var output = input[2]!;
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(call["arguments"]!.GetValue<string>());
        ChatMessage[] history =
        [
            new(ChatRole.User, input[0]!["content"]!.GetValue<string>()),
            new(ChatRole.Assistant, [new FunctionCallContent(call["call_id"]!.GetValue<string>(), call["name"]!.GetValue<string>(), arguments)]),
            new(ChatRole.Tool, [new FunctionResultContent(output["call_id"]!.GetValue<string>(), output["output"]!.GetValue<string>())]),
        ];
        var options = new ChatOptions { ModelId = model, Tools = RequestJson.Tools(recorded) };

        var written = Write(history, options, stream: true);

        RequestJson.ShouldMatch(written["input"], recorded["input"], "input");
    }

    [Fact]
    public void Reasoning_model_request_asks_for_encrypted_reasoning()
    {
        var recorded = RequestJson.Fixture("openai/responses/reasoning-item-function-call.request.json");
        var options = new ChatOptions
        {
            ModelId = "gpt-5",
            Tools = RequestJson.Tools(recorded),
            ToolMode = ChatToolMode.RequireAny,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low },
            Temperature = 0.2f,
        };

        var written = Write([new(ChatRole.User, "Calculate 100 * 200 / 3")], options, stream: true);

        RequestJson.ShouldMatch(written["input"], recorded["input"], "input");
        RequestJson.ShouldMatch(written["include"], recorded["include"], "include");
        RequestJson.ShouldMatch(written["tool_choice"], recorded["tool_choice"], "tool_choice");
        written["reasoning"]!["effort"]!.GetValue<string>().ShouldBe("low");
        written["reasoning"]!["summary"]!.GetValue<string>().ShouldBe("auto");
        written.ContainsKey("temperature").ShouldBeFalse("reasoning models reject temperature");
        written["max_output_tokens"]!.GetValue<int>().ShouldBe(64_000);
    }

    [Fact]
    public void Instructions_and_system_messages_become_instructions()
    {
        var recorded = RequestJson.Fixture("openai/responses/text-logprobs.request.json");

        var written = Write(
            [new(ChatRole.System, "You are a helpful assistant."), new(ChatRole.User, "What is the capital of Minas Gerais?")],
            new ChatOptions { ModelId = "gpt-4o-mini" },
            stream: true);

        RequestJson.ShouldMatch(written["instructions"], recorded["instructions"], "instructions");
        RequestJson.ShouldMatch(written["input"], recorded["input"], "input");

        var both = Write([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-4o", Instructions = "You are Maestro." }, stream: false);
        both["instructions"]!.GetValue<string>().ShouldBe("You are Maestro.\n\nBe brief.");
        both["stream"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public void Multi_turn_assistant_history_matches_the_recording()
    {
        var recorded = RequestJson.Fixture("openai/responses/errors/400-context-length-exceeded.request.json");
        var history = new List<ChatMessage>();
        foreach (var item in recorded["input"]!.AsArray())
        {
            var role = item!["role"]!.GetValue<string>() == "user" ? ChatRole.User : ChatRole.Assistant;
            var text = item["content"] is JsonArray parts ? parts[0]!["text"]!.GetValue<string>() : item["content"]!.GetValue<string>();
            history.Add(new ChatMessage(role, text));
        }

        var written = Write(history, new ChatOptions { ModelId = "gpt-5-nano" }, stream: false);

        RequestJson.ShouldMatch(written["input"], recorded["input"], "input");
        RequestJson.ShouldMatch(written["include"], recorded["include"], "include");
        RequestJson.ShouldMatch(written["store"], recorded["store"], "store");
    }

    [Fact]
    public void Reasoning_is_replayed_with_its_id_and_summary()
    {
        ChatMessage[] history =
        [
            new(ChatRole.User, "Add 12 and 7."),
            new(ChatRole.Assistant,
            [
                new TextReasoningContent("**Adding**"),
                new TextReasoningContent("") { ProtectedData = "gAAAAB-blob", AdditionalProperties = new() { ["item_id"] = "rs_1" } },
                new TextContent("Let me add."),
                new FunctionCallContent("call_1", "add", new Dictionary<string, object?> { ["a"] = 12, ["b"] = 7 })
                {
                    AdditionalProperties = new() { ["item_id"] = "fc_1" },
                },
            ]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", 19)]),
            new(ChatRole.Assistant,
            [
                // Another provider's signature in the same history is not OpenAI's to replay.
                new TextReasoningContent("") { ProtectedData = "anthropic-signature" },
                new TextContent("19."),
            ]),
            new(ChatRole.User, "Thanks"),
        ];

        var written = Write(history, new ChatOptions { ModelId = "gpt-5" }, stream: true);

        var expected = JsonNode.Parse("""
            [
              {"role":"user","content":"Add 12 and 7."},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Adding**"}],"encrypted_content":"gAAAAB-blob"},
              {"role":"assistant","content":[{"type":"output_text","text":"Let me add."}]},
              {"type":"function_call","call_id":"call_1","name":"add","arguments":"{\"a\":12,\"b\":7}"},
              {"type":"function_call_output","call_id":"call_1","output":"19"},
              {"role":"assistant","content":[{"type":"output_text","text":"19."}]},
              {"role":"user","content":"Thanks"}
            ]
            """);
        RequestJson.ShouldMatch(written["input"], expected, "input");
    }

    [Fact]
    public async Task Streamed_reasoning_replays_after_ToChatResponse()
    {
        // The turn engine keeps a streamed turn the M.E.AI way: ToChatResponse merges the summary deltas into the
        // content that holds the encrypted data. The next request must still carry the reasoning item, id and summary.
        var bytes = Maestro.Tests.Infrastructure.RepoPaths.FixtureBytes("openai/responses/reasoning-summary-function-call.sse");
        var events = RawSse.Parse(bytes);
        var updates = await StreamRunner.RunAsync(new OpenAIStreamReader(StreamRunner.Connection(), "gpt-5"), new MemoryStream(bytes));
        var turn = updates.ToChatResponse();
        var call = turn.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        List<ChatMessage> history = [new(ChatRole.User, "Compute (12+7)*3*10 with the calculator."), .. turn.Messages,
            new(ChatRole.Tool, [new FunctionResultContent(call.CallId, 19)])];

        var written = Write(history, new ChatOptions { ModelId = "gpt-5" }, stream: true);

        var input = written["input"]!.AsArray();
        var reasoning = input[1]!;
        reasoning["type"]!.GetValue<string>().ShouldBe("reasoning");
        reasoning["id"]!.GetValue<string>().ShouldBe("rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9");
        var done = events.Single(e => e.Type == "response.output_item.done" && e.Data.Contains("\"reasoning\"", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(done.Data);
        var item = doc.RootElement.GetProperty("item");
        reasoning["encrypted_content"]!.GetValue<string>().ShouldBe(item.GetProperty("encrypted_content").GetString());
        reasoning["summary"]![0]!["text"]!.GetValue<string>().ShouldBe(item.GetProperty("summary")[0].GetProperty("text").GetString());
        input[2]!["type"]!.GetValue<string>().ShouldBe("function_call");
        input[2]!["call_id"]!.GetValue<string>().ShouldBe("call_AB6AaRZ1FYZB2RwS6A5vbdqn");
        input[3]!["type"]!.GetValue<string>().ShouldBe("function_call_output");
    }

    [Fact]
    public async Task Reasoning_replays_after_the_turn_engine_builds_and_stores_the_message()
    {
        // The turn engine's path: updates → AssistantMessageBuilder → JSON in the database → history for the next turn.
        var bytes = Maestro.Tests.Infrastructure.RepoPaths.FixtureBytes("openai/responses/reasoning-summary-function-call.sse");
        var builder = new Maestro.Core.Turns.AssistantMessageBuilder();
        foreach (var update in await StreamRunner.RunAsync(new OpenAIStreamReader(StreamRunner.Connection(), "gpt-5"), new MemoryStream(bytes)))
        {
            builder.Add(update);
        }

        var stored = JsonSerializer.Serialize(builder.Complete(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IList<AIContent>)));
        var contents = (IList<AIContent>)JsonSerializer.Deserialize(stored, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IList<AIContent>)))!;
        var call = contents.OfType<FunctionCallContent>().Single();
        List<ChatMessage> history = [new(ChatRole.User, "Compute."), new(ChatRole.Assistant, contents), new(ChatRole.Tool, [new FunctionResultContent(call.CallId, 19)])];

        var input = Write(history, new ChatOptions { ModelId = "gpt-5" }, stream: true)["input"]!.AsArray();

        input[1]!["type"]!.GetValue<string>().ShouldBe("reasoning");
        input[1]!["id"]!.GetValue<string>().ShouldBe("rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9");
        input[1]!["encrypted_content"]!.GetValue<string>().ShouldStartWith("gAAAAABpPDIV");
        input[1]!["summary"]![0]!["text"]!.GetValue<string>().ShouldStartWith("**Calculating step-by-step using calculator**");
        RequestJson.ShouldMatch(input[2], JsonNode.Parse("""
            {"type":"function_call","call_id":"call_AB6AaRZ1FYZB2RwS6A5vbdqn","name":"calculator","arguments":"{\"a\":12,\"b\":7,\"op\":\"add\"}"}
            """), "function_call");
    }

    [Fact]
    public void Images_are_sent_as_input_image()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47 };
        ChatMessage[] history =
        [
            new(ChatRole.User,
            [
                new TextContent("What is in these?"),
                new DataContent(png, "image/png"),
                new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg"),
            ]),
        ];

        var written = Write(history, new ChatOptions { ModelId = "gpt-4.1" }, stream: true);

        RequestJson.ShouldMatch(written["input"], JsonNode.Parse("""
            [{"role":"user","content":[
              {"type":"input_text","text":"What is in these?"},
              {"type":"input_image","image_url":"data:image/png;base64,iVBORw==","detail":"auto"},
              {"type":"input_image","image_url":"https://example.com/cat.jpg","detail":"auto"}
            ]}]
            """), "input");
        Should.Throw<ValidationFailedException>(() => Write(
            [new(ChatRole.User, [new DataContent(png, "application/pdf")])], new ChatOptions { ModelId = "gpt-4.1" }, stream: true));
    }

    [Fact]
    public void Sampling_and_limits()
    {
        var written = Write([new(ChatRole.User, "Hi")], new ChatOptions
        {
            ModelId = "gpt-4.1-mini",
            Temperature = 0.5f,
            TopP = 0.9f,
            MaxOutputTokens = 1000,
            StopSequences = ["END"],
        }, stream: true);

        written["temperature"]!.GetValue<double>().ShouldBe(0.5, 1e-6);
        written["top_p"]!.GetValue<double>().ShouldBe(0.9, 1e-6);
        written["max_output_tokens"]!.GetValue<int>().ShouldBe(1000);
        written.ContainsKey("stop").ShouldBeFalse("the Responses API has no stop sequences; they are dropped");

        Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4.1" }, stream: true)["max_output_tokens"]!.GetValue<int>().ShouldBe(32_768);
        Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "some-new-model" }, stream: true).ContainsKey("max_output_tokens")
            .ShouldBeFalse("an unknown model gets OpenAI's own default (its maximum)");
    }

    [Theory]
    [InlineData("gpt-5", ReasoningEffort.None, "minimal")]
    [InlineData("gpt-5.1", ReasoningEffort.None, "none")]
    [InlineData("o3", ReasoningEffort.High, "high")]
    [InlineData("gpt-5.2", ReasoningEffort.ExtraHigh, "xhigh")]
    [InlineData("gpt-5", ReasoningEffort.ExtraHigh, "high")]
    public void Reasoning_effort_maps_per_model(string model, ReasoningEffort effort, string expected)
    {
        var written = Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = model, Reasoning = new() { Effort = effort } }, stream: true);

        written["reasoning"]!["effort"]!.GetValue<string>().ShouldBe(expected);
    }

    [Fact]
    public void Reasoning_output_none_asks_for_no_summary_and_known_non_reasoning_models_get_no_reasoning()
    {
        var quiet = Write([new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "o4-mini", Reasoning = new() { Effort = ReasoningEffort.Medium, Output = ReasoningOutput.None } }, stream: true);
        quiet["reasoning"]!.AsObject().ContainsKey("summary").ShouldBeFalse();
        quiet["include"]![0]!.GetValue<string>().ShouldBe("reasoning.encrypted_content");

        var plain = Write([new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-4o", Reasoning = new() { Effort = ReasoningEffort.High } }, stream: true);
        plain.ContainsKey("reasoning").ShouldBeFalse();
        plain.ContainsKey("include").ShouldBeFalse();
    }

    [Fact]
    public void Reasoning_summary_follows_the_setting_unless_the_caller_says()
    {
        JsonNode? Summary(string? setting, ReasoningOutput? output) => RequestJson.Parse(OpenAIRequestWriter.Write(
            [new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-5", Reasoning = output is null ? null : new() { Output = output } },
            stream: true,
            reasoningSummary: setting))["reasoning"]!["summary"];

        Summary("auto", null)!.GetValue<string>().ShouldBe("auto");
        Summary("concise", null)!.GetValue<string>().ShouldBe("concise");
        Summary(null, null).ShouldBeNull();
        Summary("none", null).ShouldBeNull();
        Summary("auto", ReasoningOutput.Full)!.GetValue<string>().ShouldBe("detailed");
        Summary(null, ReasoningOutput.Summary).ShouldBeNull("an organization that may not receive summaries is not asked");
    }

    [Fact]
    public void Tool_modes()
    {
        var tools = new List<AITool> { RequestJson.Tool("get_time", "Now.", JsonNode.Parse("""{"type":"object","properties":{}}""")) };
        JsonNode? Choice(ChatToolMode? mode) =>
            Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o", Tools = tools, ToolMode = mode }, stream: true)["tool_choice"];

        Choice(null).ShouldBeNull();
        Choice(ChatToolMode.None)!.GetValue<string>().ShouldBe("none");
        Choice(ChatToolMode.RequireAny)!.GetValue<string>().ShouldBe("required");
        RequestJson.ShouldMatch(Choice(ChatToolMode.RequireSpecific("get_time")), JsonNode.Parse("""{"type":"function","name":"get_time"}"""), "tool_choice");
    }

    [Fact]
    public void Validation_rejects_bad_requests_before_any_call()
    {
        Should.Throw<ValidationFailedException>(() => ChatRequestValidator.Validate([], new ChatOptions { ModelId = "gpt-4o" }))
            .Errors.Keys.ShouldContain("messages");
        Should.Throw<ValidationFailedException>(() => ChatRequestValidator.Validate([new(ChatRole.System, "Only a prompt")], new ChatOptions { ModelId = "gpt-4o" }))
            .Errors.Keys.ShouldContain("messages");
        Should.Throw<ValidationFailedException>(() => ChatRequestValidator.Validate([new(ChatRole.User, "Hi")], new ChatOptions()))
            .Errors.Keys.ShouldContain("model");
        Should.Throw<ValidationFailedException>(() => ChatRequestValidator.Validate([new(ChatRole.User, "Hi")], null))
            .Errors.Keys.ShouldContain("model");
        var badTool = RequestJson.Tool("bad", "", JsonNode.Parse("""{"type":"string"}"""));
        Should.Throw<ValidationFailedException>(() => ChatRequestValidator.Validate([new(ChatRole.User, "Hi")],
                new ChatOptions { ModelId = "gpt-4o", Tools = [badTool] }))
            .Message.ShouldContain("Tool 'bad'");
        var arrayTool = AIFunctionFactory.CreateDeclaration("arr", "", JsonDocument.Parse("[]").RootElement);
        Should.Throw<ValidationFailedException>(() => ChatRequestValidator.Validate([new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-4o", Tools = [arrayTool] }));

        ChatRequestValidator.Validate([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }).ShouldBe("gpt-4o");
    }

    private static JsonObject Write(IList<ChatMessage> messages, ChatOptions options, bool stream) =>
        RequestJson.Parse(OpenAIRequestWriter.Write(messages, options, stream));
}
