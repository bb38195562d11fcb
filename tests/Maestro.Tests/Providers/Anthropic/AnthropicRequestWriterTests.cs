using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Maestro.Core.Errors;
using Maestro.Providers.Anthropic;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Anthropic;

public sealed partial class AnthropicRequestWriterTests
{
    private static readonly JsonElement WeatherSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"latitude":{"type":"string","description":"Latitude (e.g., 52.5200)"},
         "longitude":{"type":"string","description":"Longitude (e.g., 13.4050)"}},
         "required":["latitude","longitude"],"additionalProperties":false,"strict":true}
        """).RootElement;

    private static readonly AIFunctionDeclaration Weather =
        AIFunctionFactory.CreateDeclaration("weather", "Gets current weather for a location", WeatherSchema);

    internal static JsonNode Write(IEnumerable<ChatMessage> messages, ChatOptions options, bool stream = true) =>
        JsonNode.Parse(AnthropicRequestWriter.Write(messages, options, stream).Body.Span)!;

    private static JsonNode Fixture(string name) => JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture($"anthropic/messages/{name}.request.json")))!;

    [Fact]
    public void Text_basic_matches_the_recorded_request() =>
        JsonEquivalence.ShouldBeEquivalent(
            Write([new(ChatRole.User, "Two names for a pet pelican, be brief")],
                new ChatOptions { ModelId = "claude-sonnet-4-5", Temperature = 1.0f, MaxOutputTokens = 8192 }),
            Fixture("text-basic"));

    [Fact]
    public void Prefill_and_stop_sequences_match_the_recorded_request() =>
        JsonEquivalence.ShouldBeEquivalent(
            Write([new(ChatRole.User, "Very short function describing a pelican"), new(ChatRole.Assistant, "```python")],
                new ChatOptions { ModelId = "claude-haiku-4-5-20251001", Temperature = 1.0f, MaxOutputTokens = 8192, StopSequences = ["```"] }),
            Fixture("text-stop-sequence"));

    [Fact]
    public void Tool_declaration_matches_the_recorded_request_with_the_default_max_tokens() =>
        JsonEquivalence.ShouldBeEquivalent(
            Write([new(ChatRole.User, "What's the weather in Berlin? (52.5200, 13.4050)")],
                new ChatOptions { ModelId = "claude-haiku-4-5-20251001", Tools = [Weather] }),
            Fixture("tool-use-single"));

    [Fact]
    public void Tool_call_and_result_history_matches_the_recorded_request()
    {
        var arguments = new Dictionary<string, object?> { ["latitude"] = "52.5200", ["longitude"] = "13.4050" };
        JsonEquivalence.ShouldBeEquivalent(
            Write(
                [
                    new(ChatRole.User, "What's the weather in Berlin? (52.5200, 13.4050)"),
                    new(ChatRole.Assistant, [new FunctionCallContent("toolu_01MKSN7NHsBVKr7Jvw5pqCQq", "weather", arguments)]),
                    new(ChatRole.Tool, [new FunctionResultContent("toolu_01MKSN7NHsBVKr7Jvw5pqCQq", "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h")]),
                ],
                new ChatOptions { ModelId = "claude-haiku-4-5-20251001", Tools = [Weather] }),
            Fixture("tool-result-followup-text"));
    }

    [Fact]
    public void Tool_without_parameters_matches_the_recorded_request()
    {
        var tool = AIFunctionFactory.CreateDeclaration("pelican_name_generator", "", JsonDocument.Parse("""{"properties":{},"type":"object"}""").RootElement);
        JsonEquivalence.ShouldBeEquivalent(
            Write([new(ChatRole.User, "Two names for a pet pelican")],
                new ChatOptions { ModelId = "claude-haiku-4-5-20251001", Temperature = 1.0f, MaxOutputTokens = 8192, Tools = [tool] }),
            Fixture("tool-use-parallel-no-args"),
            "tools[0].description");
    }

    [Theory]
    [InlineData("thinking-text", "claude-sonnet-4-5", 8192)]
    [InlineData("thinking-budget-sonnet-4", "claude-sonnet-4-0", 4096)]
    [InlineData("redacted-thinking", "claude-sonnet-4-5-20250929", 4096)]
    public void Budget_thinking_matches_the_recorded_requests_apart_from_the_budget(string fixture, string model, int maxTokens)
    {
        var expected = Fixture(fixture);
        var userText = expected["messages"]![0]!["content"]![0]!["text"]!.GetValue<string>();
        var actual = Write([new(ChatRole.User, userText)],
            new ChatOptions { ModelId = model, Temperature = 1.0f, MaxOutputTokens = maxTokens, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } });

        // The budget comes from the effort here; temperature is left out because the API refuses it with thinking.
        JsonEquivalence.ShouldBeEquivalent(actual, expected, "thinking.budget_tokens", "temperature");
        actual["thinking"]!["type"]!.GetValue<string>().ShouldBe("enabled");
        var budget = actual["thinking"]!["budget_tokens"]!.GetValue<int>();
        budget.ShouldBeGreaterThanOrEqualTo(1024);
        budget.ShouldBeLessThan(maxTokens);
        actual.AsObject().ContainsKey("temperature").ShouldBeFalse();
    }

    [Fact]
    public void Adaptive_thinking_matches_the_recorded_request_plus_the_effort()
    {
        var actual = Write([new(ChatRole.User, "Two names for a pet pelican, be brief")],
            new ChatOptions { ModelId = "claude-opus-4-6", MaxOutputTokens = 8192, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } });
        JsonEquivalence.ShouldBeEquivalent(actual, Fixture("thinking-adaptive"), "temperature", "output_config");
        actual["output_config"]!["effort"]!.GetValue<string>().ShouldBe("high");
    }

    [Fact]
    public void Non_streaming_request_matches_the_recorded_error_request() =>
        JsonEquivalence.ShouldBeEquivalent(
            Write([new(ChatRole.User, "hello")], new ChatOptions { ModelId = "claude-sonet-4-5", MaxOutputTokens = 4096 }, stream: false),
            JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("anthropic/messages/errors/404-model-not-found.request.json"))),
            "stream");

    [Fact]
    public void Instructions_and_system_messages_become_the_system_prompt()
    {
        var one = Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Instructions = "Be brief." });
        one["system"]!.GetValue<string>().ShouldBe("Be brief.");

        var two = Write([new(ChatRole.System, "Speak French."), new(ChatRole.User, "hi")],
            new ChatOptions { ModelId = "claude-sonnet-4-5", Instructions = "Be brief." });
        JsonEquivalence.ShouldBeEquivalent(two["system"], JsonNode.Parse("""[{"type":"text","text":"Be brief."},{"type":"text","text":"Speak French."}]"""));
        two["messages"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public void Parallel_tool_results_merge_into_one_user_message_before_any_text()
    {
        var actual = Write(
            [
                new(ChatRole.User, "weather in Paris and Rome?"),
                new(ChatRole.Assistant, [
                    new TextContent("Checking both."),
                    new FunctionCallContent("toolu_a", "weather", new Dictionary<string, object?> { ["city"] = "Paris" }),
                    new FunctionCallContent("toolu_b", "weather", new Dictionary<string, object?> { ["city"] = "Rome" })]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_a", "12°C")]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_b", "20°C")]),
                new(ChatRole.User, "and tomorrow?"),
            ],
            new ChatOptions { ModelId = "claude-sonnet-4-5" });
        JsonEquivalence.ShouldBeEquivalent(actual["messages"], JsonNode.Parse("""
            [
              {"role":"user","content":[{"type":"text","text":"weather in Paris and Rome?"}]},
              {"role":"assistant","content":[
                {"type":"text","text":"Checking both."},
                {"type":"tool_use","id":"toolu_a","name":"weather","input":{"city":"Paris"}},
                {"type":"tool_use","id":"toolu_b","name":"weather","input":{"city":"Rome"}}]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"toolu_a","content":[{"type":"text","text":"12°C"}]},
                {"type":"tool_result","tool_use_id":"toolu_b","content":[{"type":"text","text":"20°C"}]},
                {"type":"text","text":"and tomorrow?"}]}
            ]
            """));
    }

    [Fact]
    public void Failed_tools_are_marked_is_error()
    {
        var actual = Write(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant, [new FunctionCallContent("toolu_x", "run")]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_x", null) { Exception = new InvalidOperationException("disk full") }]),
            ],
            new ChatOptions { ModelId = "claude-sonnet-4-5" });
        JsonEquivalence.ShouldBeEquivalent(actual["messages"]![2], JsonNode.Parse("""
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x","content":[{"type":"text","text":"disk full"}],"is_error":true}]}
            """));
        JsonEquivalence.ShouldBeEquivalent(actual["messages"]![1]!["content"]![0]!["input"], new JsonObject());

        // The turn engine marks failures with an is_error flag (a JSON true once stored and read back).
        foreach (var flag in new object[] { true, JsonDocument.Parse("true").RootElement })
        {
            var flagged = Write(
                [
                    new(ChatRole.User, "go"),
                    new(ChatRole.Assistant, [new FunctionCallContent("toolu_y", "run")]),
                    new(ChatRole.Tool, [new FunctionResultContent("toolu_y", "The tool run failed: boom") { AdditionalProperties = new() { ["is_error"] = flag } }]),
                ],
                new ChatOptions { ModelId = "claude-sonnet-4-5" });
            flagged["messages"]![2]!["content"]![0]!["is_error"]!.GetValue<bool>().ShouldBeTrue();
        }

        Write(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant, [new FunctionCallContent("toolu_z", "run")]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_z", "fine")]),
            ],
            new ChatOptions { ModelId = "claude-sonnet-4-5" })["messages"]![2]!["content"]![0]!.AsObject().ContainsKey("is_error").ShouldBeFalse();
    }

    [Fact]
    public void Foreign_tool_ids_are_sanitized_the_same_way_on_call_and_result()
    {
        var actual = Write(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant, [new FunctionCallContent("call.1|fc:abc", "run"), new FunctionCallContent("call_1_fc_abc", "run")]),
                new(ChatRole.Tool, [new FunctionResultContent("call.1|fc:abc", "one"), new FunctionResultContent("call_1_fc_abc", "two")]),
            ],
            new ChatOptions { ModelId = "claude-sonnet-4-5" });
        var callIds = actual["messages"]![1]!["content"]!.AsArray().Select(b => b!["id"]!.GetValue<string>()).ToList();
        var resultIds = actual["messages"]![2]!["content"]!.AsArray().Select(b => b!["tool_use_id"]!.GetValue<string>()).ToList();
        resultIds.ShouldBe(callIds);
        callIds.ShouldAllBe(id => ToolIdPattern().IsMatch(id));
        callIds[1].ShouldBe("call_1_fc_abc");
        callIds[0].ShouldNotBe(callIds[1]);
        AnthropicToolIds.Sanitize("call.1|fc:abc").ShouldBe(callIds[0]);
    }

    [Fact]
    public void Images_are_sent_as_base64_or_url_sources()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        var actual = Write(
            [new(ChatRole.User, [
                new TextContent("what is this?"),
                new DataContent(png, "image/png"),
                new UriContent("https://example.com/cat.jpg", "image/jpeg"),
                new DataContent(new byte[] { 0x25, 0x50, 0x44, 0x46 }, "application/pdf")])],
            new ChatOptions { ModelId = "claude-sonnet-4-5" });
        JsonEquivalence.ShouldBeEquivalent(actual["messages"]![0]!["content"], JsonNode.Parse($$$"""
            [
              {"type":"text","text":"what is this?"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Convert.ToBase64String(png)}}}"}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERg=="}}
            ]
            """));
    }

    [Fact]
    public void Unsupported_attachments_are_refused_before_sending() =>
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, [new DataContent(new byte[] { 1 }, "audio/wav")])],
            new ChatOptions { ModelId = "claude-sonnet-4-5" })).Message.ShouldContain("audio/wav");

    [Fact]
    public void Sampling_options_are_written()
    {
        var actual = Write([new(ChatRole.User, "hi")],
            new ChatOptions { ModelId = "claude-sonnet-4-5", Temperature = 0.25f, TopP = 0.9f, TopK = 40, MaxOutputTokens = 1000, StopSequences = ["END", "STOP"] });
        actual["temperature"]!.GetValue<double>().ShouldBe(0.25, 1e-6);
        actual["top_p"]!.GetValue<double>().ShouldBe(0.9, 1e-6);
        actual["top_k"]!.GetValue<int>().ShouldBe(40);
        actual["max_tokens"]!.GetValue<int>().ShouldBe(1000);
        JsonEquivalence.ShouldBeEquivalent(actual["stop_sequences"], JsonNode.Parse("""["END","STOP"]"""));
        actual["stream"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", 64000)]
    [InlineData("claude-sonnet-4-20250514", 64000)]
    [InlineData("claude-haiku-4-5", 64000)]
    [InlineData("claude-opus-4-1-20250805", 32000)]
    [InlineData("claude-opus-4-20250514", 32000)]
    [InlineData("claude-opus-4-5", 64000)]
    [InlineData("claude-3-7-sonnet-latest", 8192)]
    [InlineData("claude-3-5-haiku-20241022", 8192)]
    [InlineData("claude-3-haiku-20240307", 4096)]
    [InlineData("fixture:text-basic", 8192)]
    public void Max_tokens_defaults_per_model(string model, int expected) =>
        Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = model })["max_tokens"]!.GetValue<int>().ShouldBe(expected);

    [Theory]
    [InlineData("claude-opus-4-6", ReasoningEffort.ExtraHigh, "max")]
    [InlineData("claude-sonnet-4-6", ReasoningEffort.ExtraHigh, "high")]
    [InlineData("claude-sonnet-4-6", ReasoningEffort.Low, "low")]
    [InlineData("claude-opus-4-6", ReasoningEffort.Medium, "medium")]
    public void Adaptive_models_take_an_effort(string model, ReasoningEffort effort, string expected)
    {
        var actual = Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = model, Temperature = 0.5f, Reasoning = new() { Effort = effort } });
        actual["thinking"]!["type"]!.GetValue<string>().ShouldBe("adaptive");
        actual["output_config"]!["effort"]!.GetValue<string>().ShouldBe(expected);
        actual.AsObject().ContainsKey("temperature").ShouldBeFalse();
    }

    [Theory]
    [InlineData(ReasoningEffort.Low, 4096)]
    [InlineData(ReasoningEffort.Medium, 10000)]
    [InlineData(ReasoningEffort.High, 24000)]
    [InlineData(ReasoningEffort.ExtraHigh, 32000)]
    public void Budget_follows_the_effort_and_stays_below_max_tokens(ReasoningEffort effort, int expected)
    {
        var actual = Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", TopK = 5, Reasoning = new() { Effort = effort } });
        actual["thinking"]!["budget_tokens"]!.GetValue<int>().ShouldBe(expected);
        actual["max_tokens"]!.GetValue<int>().ShouldBe(64000);
        actual.AsObject().ContainsKey("top_k").ShouldBeFalse();

        var small = Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-3-7-sonnet-latest", Reasoning = new() { Effort = effort } });
        small["thinking"]!["budget_tokens"]!.GetValue<int>().ShouldBeLessThan(small["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void No_thinking_when_not_asked_or_not_supported()
    {
        Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Reasoning = new() { Effort = ReasoningEffort.None } })
            .AsObject().ContainsKey("thinking").ShouldBeFalse();
        Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-3-5-haiku-latest", Reasoning = new() { Effort = ReasoningEffort.High } })
            .AsObject().ContainsKey("thinking").ShouldBeFalse();
        Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Reasoning = new() { Output = ReasoningOutput.Full } })["thinking"]!["type"]!
            .GetValue<string>().ShouldBe("enabled");
    }

    [Fact]
    public void Thinking_with_too_few_max_tokens_is_refused() =>
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, "hi")],
            new ChatOptions { ModelId = "claude-sonnet-4-5", MaxOutputTokens = 1500, Reasoning = new() { Effort = ReasoningEffort.Low } }));

    [Fact]
    public void Thinking_signatures_and_redacted_thinking_are_replayed()
    {
        var actual = Write(
            [
                new(ChatRole.User, "hi"),
                new(ChatRole.Assistant, [
                    new TextReasoningContent("") { ProtectedData = "REDACTED-DATA", AdditionalProperties = new() { ["redacted"] = true } },
                    new TextReasoningContent("Let me think.") { ProtectedData = "SIG-1" },
                    new TextReasoningContent("no signature, from elsewhere"),
                    new TextReasoningContent("") { ProtectedData = "openai-encrypted", AdditionalProperties = new() { ["item_id"] = "rs_1" } },
                    new TextContent("Hello!")]),
                new(ChatRole.User, "again"),
            ],
            new ChatOptions { ModelId = "claude-sonnet-4-5" });
        JsonEquivalence.ShouldBeEquivalent(actual["messages"]![1], JsonNode.Parse("""
            {"role":"assistant","content":[
              {"type":"redacted_thinking","data":"REDACTED-DATA"},
              {"type":"thinking","thinking":"Let me think.","signature":"SIG-1"},
              {"type":"text","text":"Hello!"}]}
            """));
    }

    [Fact]
    public async Task A_streamed_thinking_turn_replays_as_recorded()
    {
        var updates = await AnthropicStreamHarness.ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/thinking-tool-use.sse"));
        var history = new List<ChatMessage> { new(ChatRole.User, "Use the fixed_version tool.") };
        history.AddMessages(updates);
        var call = history[^1].Contents.OfType<FunctionCallContent>().Single();
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "1.2.3")]));

        var actual = Write(history, new ChatOptions { ModelId = "claude-haiku-4-5-20251001", Reasoning = new() { Effort = ReasoningEffort.Low } });
        var recorded = File.ReadAllText(RepoPaths.Fixture("anthropic/messages/thinking-tool-use.sse"));
        var reference = AnthropicReferenceExtraction.From(recorded);
        JsonEquivalence.ShouldBeEquivalent(actual["messages"]![1], new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "thinking", ["thinking"] = reference.Reasoning, ["signature"] = reference.Signatures.Single() },
                new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_01825dXWLSoJwCst1qTsiWdb", ["name"] = "fixed_version", ["input"] = new JsonObject() }),
        });
        actual["messages"]![2]!["content"]![0]!["tool_use_id"]!.GetValue<string>().ShouldBe("toolu_01825dXWLSoJwCst1qTsiWdb");
    }

    [Fact]
    public async Task A_redacted_turn_replays_as_recorded()
    {
        var updates = await AnthropicStreamHarness.ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/redacted-thinking.sse"));
        var history = new List<ChatMessage> { new(ChatRole.User, "trigger") };
        history.AddMessages(updates);
        history.Add(new ChatMessage(ChatRole.User, "next"));
        var blocks = Write(history, new ChatOptions { ModelId = "claude-sonnet-4-5" })["messages"]![1]!["content"]!.AsArray();
        blocks.Select(b => b!["type"]!.GetValue<string>()).ShouldBe(["redacted_thinking", "redacted_thinking", "text"]);
        var reference = AnthropicReferenceExtraction.From(File.ReadAllText(RepoPaths.Fixture("anthropic/messages/redacted-thinking.sse")));
        blocks.Take(2).Select(b => b!["data"]!.GetValue<string>()).ShouldBe(reference.RedactedData);
    }

    [Fact]
    public void Tool_modes_map_to_tool_choice()
    {
        JsonNode Choice(ChatToolMode? mode, bool? allowMultiple = null) =>
            Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Tools = [Weather], ToolMode = mode, AllowMultipleToolCalls = allowMultiple })["tool_choice"]!;

        Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Tools = [Weather] }).AsObject().ContainsKey("tool_choice").ShouldBeFalse();
        JsonEquivalence.ShouldBeEquivalent(Choice(ChatToolMode.Auto), JsonNode.Parse("""{"type":"auto"}"""));
        JsonEquivalence.ShouldBeEquivalent(Choice(ChatToolMode.None), JsonNode.Parse("""{"type":"none"}"""));
        JsonEquivalence.ShouldBeEquivalent(Choice(ChatToolMode.RequireAny), JsonNode.Parse("""{"type":"any"}"""));
        JsonEquivalence.ShouldBeEquivalent(Choice(ChatToolMode.RequireSpecific("weather")), JsonNode.Parse("""{"type":"tool","name":"weather"}"""));
        JsonEquivalence.ShouldBeEquivalent(Choice(null, allowMultiple: false), JsonNode.Parse("""{"type":"auto","disable_parallel_tool_use":true}"""));
    }

    [Fact]
    public void Hosted_web_search_becomes_the_server_tool()
    {
        var tools = Write([new(ChatRole.User, "news?")], new ChatOptions { ModelId = "claude-sonnet-4-5", Tools = [new HostedWebSearchTool()] })["tools"]!;
        JsonEquivalence.ShouldBeEquivalent(tools, JsonNode.Parse("""[{"type":"web_search_20250305","name":"web_search"}]"""));
    }

    [Fact]
    public void Schema_without_a_type_gets_type_object()
    {
        var tool = AIFunctionFactory.CreateDeclaration("t", null, JsonDocument.Parse("""{"properties":{"a":{"type":"integer"}}}""").RootElement);
        var schema = Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Tools = [tool] })["tools"]![0]!["input_schema"];
        JsonEquivalence.ShouldBeEquivalent(schema, JsonNode.Parse("""{"type":"object","properties":{"a":{"type":"integer"}}}"""));
    }

    [Fact]
    public void Missing_model_is_refused() =>
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, "hi")], new ChatOptions()))
            .Errors.Keys.ShouldContain("model");

    [Fact]
    public void Empty_conversation_is_refused()
    {
        Should.Throw<ValidationFailedException>(() => Write([], new ChatOptions { ModelId = "claude-sonnet-4-5" })).Errors.Keys.ShouldContain("messages");
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.System, "only a system prompt"), new(ChatRole.User, "")],
            new ChatOptions { ModelId = "claude-sonnet-4-5" })).Errors.Keys.ShouldContain("messages");
    }

    [Theory]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""true""")]
    public void Tool_schema_that_is_not_an_object_is_refused(string schema)
    {
        var tool = AIFunctionFactory.CreateDeclaration("bad", null, JsonDocument.Parse(schema).RootElement);
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5", Tools = [tool] }))
            .Message.ShouldContain("bad");
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex ToolIdPattern();
}
