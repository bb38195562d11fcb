using System.Text.Json.Nodes;
using Maestro.Core.Errors;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using static Maestro.Tests.Providers.Gemini.GeminiRequestFixtureTests;

namespace Maestro.Tests.Providers.Gemini;

public sealed class GeminiRequestWriterTests
{
    private static readonly ChatOptions Flash = new() { ModelId = "gemini-2.5-flash" };

    [Fact]
    public void System_prompt_and_system_messages_form_the_system_instruction()
    {
        var body = Write(
            [new(ChatRole.System, "Rule one."), new(ChatRole.User, "Hi"), new(ChatRole.System, "Rule two.")],
            new ChatOptions { ModelId = "gemini-2.5-flash", Instructions = "You are Maestro." });

        Texts(body["systemInstruction"]!["parts"]).ShouldBe(["You are Maestro.", "Rule one.", "Rule two."]);
        var contents = body["contents"]!.AsArray();
        contents.Count.ShouldBe(1);
        contents[0]!["role"]!.GetValue<string>().ShouldBe("user");
    }

    [Fact]
    public void No_system_instruction_when_there_is_none()
    {
        Write([new(ChatRole.User, "Hi")], Flash).ContainsKey("systemInstruction").ShouldBeFalse();
    }

    [Fact]
    public void Generation_settings_are_mapped()
    {
        var body = Write([new(ChatRole.User, "Hi")], new ChatOptions
        {
            ModelId = "gemini-2.5-flash",
            Temperature = 0.7f,
            TopP = 0.9f,
            TopK = 40,
            MaxOutputTokens = 1234,
            StopSequences = ["END", "STOP"],
            Seed = 42,
            PresencePenalty = 0.5f,
            FrequencyPenalty = 0.25f,
        });

        var config = body["generationConfig"]!;
        config["temperature"]!.GetValue<double>().ShouldBe(0.7, 1e-6);
        config["topP"]!.GetValue<double>().ShouldBe(0.9, 1e-6);
        config["topK"]!.GetValue<int>().ShouldBe(40);
        config["maxOutputTokens"]!.GetValue<int>().ShouldBe(1234);
        Strings(config["stopSequences"]).ShouldBe(["END", "STOP"]);
        config["seed"]!.GetValue<long>().ShouldBe(42);
        config["presencePenalty"]!.GetValue<double>().ShouldBe(0.5, 1e-6);
        config["frequencyPenalty"]!.GetValue<double>().ShouldBe(0.25, 1e-6);
        config.AsObject().ContainsKey("thinkingConfig").ShouldBeFalse();
    }

    [Theory]
    [InlineData("gemini-2.5-flash", 65536)]
    [InlineData("models/gemini-2.5-pro", 65536)]
    [InlineData("gemini-3-pro-preview", 65536)]
    [InlineData("gemini-3.1-flash-lite", 65536)]
    [InlineData("gemini-flash-latest", 65536)]
    [InlineData("gemini-2.0-flash", 8192)]
    [InlineData("gemini-1.5-pro", 8192)]
    [InlineData("gemma-3-27b-it", 8192)]
    [InlineData("gemini-2.5-flash-image", 32768)]
    [InlineData("gemini-2.5-flash-preview-tts", 16384)]
    public void Max_output_tokens_defaults_per_model(string model, int expected)
    {
        Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = model })["generationConfig"]!["maxOutputTokens"]!.GetValue<int>().ShouldBe(expected);
    }

    [Theory]
    [InlineData("gemini-2.5-flash", ReasoningEffort.None, "budget", 0)]
    [InlineData("gemini-2.5-flash", ReasoningEffort.Low, "budget", 1024)]
    [InlineData("gemini-2.5-flash", ReasoningEffort.Medium, "budget", 8192)]
    [InlineData("gemini-2.5-flash", ReasoningEffort.High, "budget", 24576)]
    [InlineData("gemini-2.5-flash-lite", ReasoningEffort.ExtraHigh, "budget", 24576)]
    [InlineData("gemini-2.5-pro", ReasoningEffort.None, "budget", 128)]
    [InlineData("gemini-2.5-pro", ReasoningEffort.High, "budget", 32768)]
    [InlineData("gemini-flash-latest", ReasoningEffort.Medium, "budget", 8192)]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.None, "minimal", 0)]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.Low, "low", 0)]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.Medium, "medium", 0)]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.High, "high", 0)]
    [InlineData("gemini-3-pro-preview", ReasoningEffort.None, "low", 0)]
    [InlineData("gemini-3-pro-preview", ReasoningEffort.Medium, "high", 0)]
    [InlineData("gemini-3.1-pro-preview", ReasoningEffort.Medium, "medium", 0)]
    [InlineData("gemini-3.5-flash", ReasoningEffort.ExtraHigh, "high", 0)]
    public void Reasoning_effort_maps_to_thinking_budget_or_level(string model, ReasoningEffort effort, string expected, int budget)
    {
        var thinking = Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = model, Reasoning = new ReasoningOptions { Effort = effort } })
            ["generationConfig"]!["thinkingConfig"]!.AsObject();

        if (expected == "budget")
        {
            thinking["thinkingBudget"]!.GetValue<int>().ShouldBe(budget);
            thinking.ContainsKey("thinkingLevel").ShouldBeFalse();
        }
        else
        {
            thinking["thinkingLevel"]!.GetValue<string>().ShouldBe(expected);
            thinking.ContainsKey("thinkingBudget").ShouldBeFalse();
        }

        // Reasoning requested without saying otherwise: thoughts come back, unless thinking is turned off.
        thinking.ContainsKey("includeThoughts").ShouldBe(effort != ReasoningEffort.None);
    }

    [Fact]
    public void Reasoning_output_none_does_not_ask_for_thoughts()
    {
        var thinking = Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash", Reasoning = new() { Effort = ReasoningEffort.High, Output = ReasoningOutput.None } })
            ["generationConfig"]!["thinkingConfig"]!.AsObject();

        thinking.ContainsKey("includeThoughts").ShouldBeFalse();
        thinking["thinkingBudget"]!.GetValue<int>().ShouldBe(24576);
    }

    [Theory]
    [InlineData("gemini-2.0-flash")]
    [InlineData("gemma-3-27b-it")]
    [InlineData("gemini-2.5-flash-image")]
    public void Models_without_thinking_get_no_thinking_config(string model)
    {
        Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = model, Reasoning = new() { Effort = ReasoningEffort.High, Output = ReasoningOutput.Full } })
            ["generationConfig"]!.AsObject().ContainsKey("thinkingConfig").ShouldBeFalse();
    }

    [Fact]
    public void Images_become_inline_data_and_uris_file_data()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0, 1, 2, 255 };
        var body = Write(
            [new(ChatRole.User, [new TextContent("What is in these?"), new DataContent(png, "image/png"), new UriContent(new Uri("https://generativelanguage.googleapis.com/v1beta/files/abc"), "application/pdf")])],
            Flash);

        var parts = body["contents"]![0]!["parts"]!.AsArray();
        parts.Count.ShouldBe(3);
        parts[1]!["inlineData"]!["mimeType"]!.GetValue<string>().ShouldBe("image/png");
        Convert.FromBase64String(parts[1]!["inlineData"]!["data"]!.GetValue<string>()).ShouldBe(png);
        parts[2]!["fileData"]!["mimeType"]!.GetValue<string>().ShouldBe("application/pdf");
        parts[2]!["fileData"]!["fileUri"]!.GetValue<string>().ShouldBe("https://generativelanguage.googleapis.com/v1beta/files/abc");
    }

    [Fact]
    public void Parallel_calls_and_their_results_each_share_one_turn()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Weather in Paris and Rome?"),
            new(ChatRole.Assistant, [
                new TextContent("Checking both."),
                new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Paris" }) { AdditionalProperties = new() { ["thought_signature"] = "SIG1" } },
                new FunctionCallContent("c2", "weather", new Dictionary<string, object?> { ["city"] = "Rome" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "18°C")]),
            new(ChatRole.Tool, [new FunctionResultContent("c2", Json("""{"temperature": 24}"""))]),
        ];

        var contents = Write(messages, new ChatOptions { ModelId = "gemini-3-flash-preview" })["contents"]!.AsArray();

        contents.Select(c => c!["role"]!.GetValue<string>()).ShouldBe(["user", "model", "user"]);
        var model = contents[1]!["parts"]!.AsArray();
        model[0]!["text"]!.GetValue<string>().ShouldBe("Checking both.");
        model[1]!["functionCall"]!["name"]!.GetValue<string>().ShouldBe("weather");
        model[1]!["functionCall"]!["id"]!.GetValue<string>().ShouldBe("c1");
        model[1]!["functionCall"]!["args"]!["city"]!.GetValue<string>().ShouldBe("Paris");
        model[1]!["thoughtSignature"]!.GetValue<string>().ShouldBe("SIG1");
        model[2]!.AsObject().ContainsKey("thoughtSignature").ShouldBeFalse();

        var results = contents[2]!["parts"]!.AsArray();
        results.Count.ShouldBe(2);
        results[0]!["functionResponse"]!["name"]!.GetValue<string>().ShouldBe("weather");
        results[0]!["functionResponse"]!["id"]!.GetValue<string>().ShouldBe("c1");
        results[0]!["functionResponse"]!["response"]!["output"]!.GetValue<string>().ShouldBe("18°C");
        results[1]!["functionResponse"]!["response"]!["temperature"]!.GetValue<int>().ShouldBe(24);
    }

    [Fact]
    public void A_failed_tool_reports_its_error()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Go"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "run")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", null) { Exception = new InvalidOperationException("disk full") }]),
        ];

        var response = Write(messages, Flash)["contents"]![2]!["parts"]![0]!["functionResponse"]!["response"]!;

        response["error"]!.GetValue<string>().ShouldBe("disk full");
    }

    [Fact]
    public void Gemini_3_gets_the_documented_skip_signature_for_a_call_without_one()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Go"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "run"), new FunctionCallContent("c2", "run")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "ok"), new FunctionResultContent("c2", "ok")]),
        ];

        var gemini3 = Write(messages, new ChatOptions { ModelId = "gemini-3-pro-preview" })["contents"]![1]!["parts"]!.AsArray();
        gemini3[0]!["thoughtSignature"]!.GetValue<string>().ShouldBe("skip_thought_signature_validator");
        gemini3[1]!.AsObject().ContainsKey("thoughtSignature").ShouldBeFalse();

        var gemini25 = Write(messages, Flash)["contents"]![1]!["parts"]!.AsArray();
        gemini25[0]!.AsObject().ContainsKey("thoughtSignature").ShouldBeFalse();
    }

    [Fact]
    public void Reasoning_and_signatures_are_replayed_on_the_parts_they_came_with()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Q1"),
            new(ChatRole.Assistant, [
                new TextReasoningContent("**Thinking** about it"),
                new TextReasoningContent("") { ProtectedData = "SIG-THOUGHT" },
                new TextContent("Answer"),
                new TextReasoningContent("") { ProtectedData = "SIG-TEXT" },
                new TextReasoningContent("") { ProtectedData = "SIG-ALONE" }]),
            new(ChatRole.User, "Q2"),
        ];

        var parts = Write(messages, Flash)["contents"]![1]!["parts"]!.AsArray();

        parts.Count.ShouldBe(3);
        parts[0]!["text"]!.GetValue<string>().ShouldBe("**Thinking** about it");
        parts[0]!["thought"]!.GetValue<bool>().ShouldBeTrue();
        parts[0]!["thoughtSignature"]!.GetValue<string>().ShouldBe("SIG-THOUGHT");
        parts[1]!["text"]!.GetValue<string>().ShouldBe("Answer");
        parts[1]!.AsObject().ContainsKey("thought").ShouldBeFalse();
        parts[1]!["thoughtSignature"]!.GetValue<string>().ShouldBe("SIG-TEXT");
        parts[2]!["text"]!.GetValue<string>().ShouldBe("");
        parts[2]!["thoughtSignature"]!.GetValue<string>().ShouldBe("SIG-ALONE");
    }

    [Fact]
    public async Task A_streamed_answer_replays_with_its_thoughts_and_signature_after_coalescing()
    {
        var updates = await GeminiStreamHarness.ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/thought-parts-2-5-pro.sse"), "gemini-2.5-pro");
        var answer = updates.ToChatResponse();
        List<ChatMessage> history = [new(ChatRole.User, "How do I cross the street?"), .. answer.Messages, new(ChatRole.User, "Thanks!")];

        var model = Write(history, new ChatOptions { ModelId = "gemini-2.5-pro" })["contents"]![1]!;

        model["role"]!.GetValue<string>().ShouldBe("model");
        var parts = model["parts"]!.AsArray();
        parts.Where(p => p!["thought"] is not null).ShouldNotBeEmpty();
        var signed = parts.Where(p => p!["thoughtSignature"] is not null).ToList();
        signed.Count.ShouldBe(1);
        signed[0]!["text"]!.GetValue<string>().ShouldStartWith("This is a great question!");
        signed[0]!["thoughtSignature"]!.GetValue<string>().ShouldStartWith("CiIB0e2Kb6Syj1a961E");
        string.Concat(parts.Where(p => p!["thought"] is null).Select(p => p!["text"]!.GetValue<string>()))
            .ShouldBe(GeminiStreamHarness.Text(updates));
        // Usage is bookkeeping, never a part.
        parts.ShouldAllBe(p => p!["text"] != null);
    }

    [Fact]
    public async Task A_streamed_function_call_replays_with_its_signature()
    {
        var updates = await GeminiStreamHarness.ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/function-call-thought-signature-3-pro.sse"), "gemini-3-pro-preview");
        var answer = updates.ToChatResponse();
        var call = answer.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        List<ChatMessage> history = [new(ChatRole.User, "Call the tool"), .. answer.Messages, new(ChatRole.Tool, [new FunctionResultContent(call.CallId, "Japan")])];

        var contents = Write(history, new ChatOptions { ModelId = "gemini-3-pro-preview" })["contents"]!.AsArray();

        var part = contents[1]!["parts"]![0]!;
        part["functionCall"]!["name"]!.GetValue<string>().ShouldBe("get_country");
        part["thoughtSignature"]!.GetValue<string>().ShouldStartWith("EpwICpkIAXLI2nxl");
        contents[2]!["parts"]![0]!["functionResponse"]!["name"]!.GetValue<string>().ShouldBe("get_country");
    }

    [Fact]
    public async Task Contents_survive_the_json_round_trip_sessions_use_and_still_replay()
    {
        var updates = await GeminiStreamHarness.ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/code-execution.sse"), "gemini-3-flash-preview");
        var call = await GeminiStreamHarness.ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/function-call-thought-signature-2-5.sse"));
        IList<AIContent> contents = [.. updates.ToChatResponse().Messages.Single().Contents, .. call.ToChatResponse().Messages.Single().Contents];

        var json = System.Text.Json.JsonSerializer.Serialize(contents, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IList<AIContent>)));
        var restored = (IList<AIContent>)System.Text.Json.JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IList<AIContent>)))!;
        var functionCall = restored.OfType<FunctionCallContent>().Single();
        List<ChatMessage> history = [new(ChatRole.User, "Q"), new(ChatRole.Assistant, restored), new(ChatRole.Tool, [new FunctionResultContent(functionCall.CallId, "sunny")])];

        var parts = Write(history, new ChatOptions { ModelId = "gemini-3-flash-preview" })["contents"]![1]!["parts"]!.AsArray();

        parts.Single(p => p!["executableCode"] is not null)!["thoughtSignature"]!.GetValue<string>().ShouldStartWith("EqADCp0D");
        parts.Single(p => p!["codeExecutionResult"] is not null)!["codeExecutionResult"]!["output"]!.GetValue<string>().ShouldBe("-428330955.97745\n");
        parts.Single(p => p!["functionCall"] is not null)!["thoughtSignature"]!.GetValue<string>().ShouldStartWith("CiQBEU0yD1hCYiUo");
        parts.Count(p => p!["thoughtSignature"] is not null).ShouldBe(3);
    }

    [Fact]
    public async Task Code_execution_replays_as_executable_code_and_its_result()
    {
        var updates = await GeminiStreamHarness.ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/code-execution.sse"), "gemini-3-flash-preview");
        List<ChatMessage> history = [new(ChatRole.User, "what is 65465-6544 * 65464-6+1.02255"), .. updates.ToChatResponse().Messages, new(ChatRole.User, "Thanks")];

        var parts = Write(history, new ChatOptions { ModelId = "gemini-3-flash-preview" })["contents"]![1]!["parts"]!.AsArray();

        var code = parts.Single(p => p!["executableCode"] is not null)!;
        code["executableCode"]!["language"]!.GetValue<string>().ShouldBe("PYTHON");
        code["executableCode"]!["code"]!.GetValue<string>().ShouldStartWith("result = 65465");
        code["executableCode"]!["id"]!.GetValue<string>().ShouldBe("8xju7mua");
        code["thoughtSignature"]!.GetValue<string>().ShouldStartWith("EqADCp0D");
        var result = parts.Single(p => p!["codeExecutionResult"] is not null)!["codeExecutionResult"]!;
        result["outcome"]!.GetValue<string>().ShouldBe("OUTCOME_OK");
        result["output"]!.GetValue<string>().ShouldBe("-428330955.97745\n");
    }

    [Theory]
    [InlineData("auto", "AUTO", null)]
    [InlineData("none", "NONE", null)]
    [InlineData("any", "ANY", null)]
    [InlineData("weather", "ANY", "weather")]
    public void Tool_mode_maps_to_function_calling_config(string mode, string expected, string? only)
    {
        var options = new ChatOptions
        {
            ModelId = "gemini-2.5-flash",
            Tools = [AIFunctionFactory.CreateDeclaration("weather", "Weather", Json("""{"type": "object", "properties": {"city": {"type": "string"}}}"""))],
            ToolMode = mode switch { "auto" => ChatToolMode.Auto, "none" => ChatToolMode.None, "any" => ChatToolMode.RequireAny, _ => ChatToolMode.RequireSpecific(mode) },
        };

        var config = Write([new(ChatRole.User, "Hi")], options)["toolConfig"]!["functionCallingConfig"]!.AsObject();

        config["mode"]!.GetValue<string>().ShouldBe(expected);
        if (only is null)
        {
            config.ContainsKey("allowedFunctionNames").ShouldBeFalse();
        }
        else
        {
            Strings(config["allowedFunctionNames"]).ShouldBe([only]);
        }
    }

    [Fact]
    public void Json_response_format_asks_for_json_with_the_schema()
    {
        var config = Write([new(ChatRole.User, "Hi")], new ChatOptions
        {
            ModelId = "gemini-2.5-flash",
            ResponseFormat = ChatResponseFormat.ForJsonSchema(Json("""{"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": false}"""), "thing"),
        })["generationConfig"]!;

        config["responseMimeType"]!.GetValue<string>().ShouldBe("application/json");
        config["responseJsonSchema"]!["additionalProperties"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public void Hosted_web_search_becomes_google_search()
    {
        var tools = Write([new(ChatRole.User, "News?")], new ChatOptions { ModelId = "gemini-2.5-flash", Tools = [new HostedWebSearchTool()] })["tools"]!.AsArray();

        tools.Count.ShouldBe(1);
        tools[0]!.AsObject().ContainsKey("googleSearch").ShouldBeTrue();
    }

    [Fact]
    public void Validation_happens_before_any_call()
    {
        Should.Throw<ValidationFailedException>(() => Write([], Flash)).Errors.Keys.ShouldContain("messages");
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.System, "Only a system prompt")], Flash)).Errors.Keys.ShouldContain("messages");
        Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, "Hi")], new ChatOptions())).Errors.Keys.ShouldContain("model");

        var notAnObject = AIFunctionFactory.CreateDeclaration("bad", "Bad", Json("""{"type": "string"}"""));
        var error = Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash", Tools = [notAnObject] }));
        error.Errors["tools"][0].ShouldContain("'bad'");
        error.Errors["tools"][0].ShouldContain("object");

        var orphan = Should.Throw<ValidationFailedException>(() => Write([new(ChatRole.User, "Hi"), new(ChatRole.Tool, [new FunctionResultContent("nope", "x")])], Flash));
        orphan.Errors["messages"][0].ShouldContain("'nope'");
    }

    [Fact]
    public void Bookkeeping_contents_and_empty_messages_never_produce_empty_turns()
    {
        var contents = Write(
            [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, [new UsageContent(new UsageDetails()), new TextContent("")]), new(ChatRole.User, "Again")],
            Flash)["contents"]!.AsArray();

        // The two user turns merge: Gemini never sees an assistant turn without parts.
        contents.Count.ShouldBe(1);
        Texts(contents[0]!["parts"]).ShouldBe(["Hi", "Again"]);
    }

    private static List<string> Texts(JsonNode? parts) => [.. parts!.AsArray().Select(p => p!["text"]!.GetValue<string>())];

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(p => p!.GetValue<string>())];
}
