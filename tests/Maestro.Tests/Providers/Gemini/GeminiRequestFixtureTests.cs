using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Providers.Gemini;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>
/// For recorded request bodies, the equivalent ChatMessages/ChatOptions produce an equivalent body. Differences that do
/// not matter are normalized on both sides: <c>systemInstruction.role</c>, <c>responseModalities: ["TEXT"]</c> (the
/// default), empty tool descriptions, and parameter schemas without properties (Maestro declares such tools without
/// parameters). maxOutputTokens is checked on its own: Maestro always sends the model's default.
/// </summary>
public sealed class GeminiRequestFixtureTests
{
    private const string Folder = "gemini/generate-content/";

    [Fact]
    public void Text_request()
    {
        var body = Write(
            [new(ChatRole.User, "What is the capital of France?")],
            new ChatOptions { ModelId = "gemini-2.0-flash-exp", Instructions = "You are a helpful chatbot.", Temperature = 0f });

        ShouldMatchFixture(body, "text.request.json");
        body["generationConfig"]!["maxOutputTokens"]!.GetValue<int>().ShouldBe(8192);
    }

    [Fact]
    public void Function_declarations_request()
    {
        var body = Write(
            [new(ChatRole.User, "What is the temperature of the capital of France?")],
            new ChatOptions { ModelId = "gemini-2.0-flash", Instructions = "You are a helpful chatbot.", Tools = CapitalAndTemperatureTools() });

        ShouldMatchFixture(body, "function-call.request.json");
    }

    [Fact]
    public void History_with_function_calls_and_responses()
    {
        const string first = "pyd_ai_0e1a07b3c2b64d2ab3ad2efbe18e1b97";
        const string second = "pyd_ai_98b25d994c5648df82f683188629229d";
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "What is the temperature of the capital of France?"),
            new(ChatRole.Assistant, [new FunctionCallContent(first, "get_capital", new Dictionary<string, object?> { ["country"] = "France" })]),
            new(ChatRole.Tool, [new FunctionResultContent(first, Json("""{"return_value": "Paris"}"""))]),
            new(ChatRole.Assistant, [new FunctionCallContent(second, "get_temperature", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent(second, Json("""{"return_value": "30°C"}"""))]),
        ];

        var body = Write(messages, new ChatOptions { ModelId = "gemini-2.0-flash", Instructions = "You are a helpful chatbot.", Tools = CapitalAndTemperatureTools() });

        ShouldMatchFixture(body, "text-after-function-response.request.json");
    }

    [Fact]
    public void Weather_tool_on_2_5()
    {
        var weather = AIFunctionFactory.CreateDeclaration("weather", "Gets current weather for a location", Json("""
            {"type": "object", "properties": {
              "latitude": {"type": "string", "description": "Latitude (e.g., 52.5200)"},
              "longitude": {"type": "string", "description": "Longitude (e.g., 13.4050)"}},
             "required": ["latitude", "longitude"], "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"}
            """));

        var body = Write([new(ChatRole.User, "What's the weather in Berlin? (52.5200, 13.4050)")], new ChatOptions { ModelId = "gemini-2.5-flash", Tools = [weather] });

        ShouldMatchFixture(body, "function-call-thought-signature-2-5.request.json");
        body["generationConfig"]!["maxOutputTokens"]!.GetValue<int>().ShouldBe(65536);
    }

    [Fact]
    public void Parameterless_tool_on_3_pro()
    {
        var tool = AIFunctionFactory.CreateDeclaration("get_country", "", Json("""{"additionalProperties": false, "properties": {}, "type": "object"}"""));

        var body = Write([new(ChatRole.User, "What is the capital of the user country? Call the tool")], new ChatOptions { ModelId = "gemini-3-pro-preview", Tools = [tool] });

        ShouldMatchFixture(body, "function-call-thought-signature-3-pro.request.json");
    }

    [Fact]
    public void Include_thoughts_on_2_5_pro()
    {
        var dummy = AIFunctionFactory.CreateDeclaration("dummy", "", Json("""{"type": "object", "properties": {}}"""));

        var body = Write(
            [new(ChatRole.User, "How do I cross the street?")],
            new ChatOptions { ModelId = "gemini-2.5-pro", Instructions = "You are a helpful assistant.", Tools = [dummy], Reasoning = new ReasoningOptions { Output = ReasoningOutput.Summary } });

        ShouldMatchFixture(body, "thought-parts-2-5-pro.request.json");
    }

    [Fact]
    public void Thinking_level_on_3_flash()
    {
        var body = Write(
            [new(ChatRole.User, "If a magic mirror shows your future self, but only if you ask a question it cannot answer truthfully, what question do you ask to see your future, and what would the mirror reveal about the answer it gives?")],
            new ChatOptions { ModelId = "gemini-3-flash-preview", Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low, Output = ReasoningOutput.Full } });

        ShouldMatchFixture(body, "thought-parts-3-flash.request.json");
    }

    [Fact]
    public void Code_execution_tool()
    {
        var body = Write(
            [new(ChatRole.User, "what is 65465-6544 * 65464-6+1.02255")],
            new ChatOptions { ModelId = "gemini-3-flash-preview", Instructions = "Be concise and always use Python to do calculations no matter how small.", Tools = [new HostedCodeInterpreterTool()] });

        ShouldMatchFixture(body, "code-execution.request.json");
    }

    [Fact]
    public void Plain_user_turn()
    {
        ShouldMatchFixture(Write([new(ChatRole.User, "What is 2+2? Think step by step.")], new ChatOptions { ModelId = "gemini-2.5-flash" }), "thoughts-token-accounting.request.json");
        ShouldMatchFixture(Write([new(ChatRole.User, "Count from 1 to 30, one number per line, digits only.")], new ChatOptions { ModelId = "gemini-2.5-flash" }), "text-usage-every-chunk.request.json");
    }

    [Fact]
    public void Alternating_user_and_model_history()
    {
        var messages = new List<ChatMessage>();
        for (var i = 0; i < 5; i++)
        {
            messages.Add(new(ChatRole.User, "<MASSIVE_TEXT>"));
            messages.Add(new(ChatRole.Assistant, "<MASSIVE_TEXT>"));
        }

        messages.Add(new(ChatRole.User, "Hi"));

        ShouldMatchFixture(Write(messages, new ChatOptions { ModelId = "gemini-2.5-flash" }), "errors/429-resource-exhausted.request.json");
    }

    internal static JsonObject Write(IList<ChatMessage> messages, ChatOptions options) =>
        JsonNode.Parse(GeminiRequestWriter.Build(messages, options).Body.Span)!.AsObject();

    internal static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static List<AITool> CapitalAndTemperatureTools() =>
    [
        AIFunctionFactory.CreateDeclaration("get_capital", "Get the capital of a country.", Json("""
            {"type": "object", "properties": {"country": {"type": "string", "description": "The country name."}}, "required": ["country"]}
            """)),
        AIFunctionFactory.CreateDeclaration("get_temperature", "Get the temperature in a city.", Json("""
            {"type": "object", "properties": {"city": {"type": "string", "description": "The city name."}}, "required": ["city"]}
            """)),
    ];

    private static void ShouldMatchFixture(JsonObject actual, string fixture)
    {
        var expected = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture(Folder + fixture)))!.AsObject();
        var left = Normalize(actual.DeepClone().AsObject());
        var right = Normalize(expected);
        JsonNode.DeepEquals(left, right).ShouldBeTrue($"expected\n{right.ToJsonString()}\nactual\n{left.ToJsonString()}");
    }

    private static JsonObject Normalize(JsonObject body)
    {
        (body["systemInstruction"] as JsonObject)?.Remove("role");
        if (body["generationConfig"] is JsonObject config)
        {
            config.Remove("maxOutputTokens");
            config.Remove("responseModalities");
        }

        foreach (var tool in body["tools"] as JsonArray ?? [])
        {
            foreach (var declaration in tool!["functionDeclarations"] as JsonArray ?? [])
            {
                var function = declaration!.AsObject();
                if (function["description"]?.GetValue<string>() == "")
                {
                    function.Remove("description");
                }

                foreach (var key in new[] { "parameters", "parameters_json_schema", "parametersJsonSchema" })
                {
                    if (function[key] is JsonObject schema && schema["properties"] is JsonObject { Count: 0 })
                    {
                        function.Remove(key);
                    }
                }
            }
        }

        return body;
    }
}
