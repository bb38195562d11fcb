using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Providers.OpenAICompatible;
using Maestro.Tests.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>The Chat Completions writer against recorded request bodies and the mapping rules.</summary>
public sealed class ChatCompletionsRequestMappingTests
{
    private static readonly CompatibleProviderSettings Settings = new("openai-chat", "OpenAI (chat)", new Uri("https://api.openai.com/v1"));

    [Theory]
    [InlineData("openai/chat-completions/text-usage.request.json")]
    [InlineData("openai/chat-completions/text-gpt-5-obfuscation-moderation.request.json")]
    [InlineData("openai/chat-completions/tool-call-single.request.json")]
    [InlineData("openai/chat-completions/tool-call-gpt-4o-mini.request.json")]
    [InlineData("openai/chat-completions/tool-calls-parallel.request.json")]
    [InlineData("openai/chat-completions/text-after-tool-gpt-4o-mini.request.json")]
    [InlineData("openai/chat-completions/tool-result-followup-text.request.json")]
    public void Recorded_requests_are_reproduced(string fixture)
    {
        var recorded = RequestJson.Fixture(fixture);
        var history = History(recorded["messages"]!.AsArray());
        var options = new ChatOptions
        {
            ModelId = recorded["model"]!.GetValue<string>(),
            Tools = RequestJson.Tools(recorded),
            ToolMode = recorded["tool_choice"]?.GetValue<string>() switch
            {
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                _ => null,
            },
        };

        var written = RequestJson.Parse(ChatCompletionsRequestWriter.Write(history, options, Settings, stream: true));

        RequestJson.ShouldMatch(written["model"], recorded["model"], "model");
        RequestJson.ShouldMatch(written["stream"], recorded["stream"], "stream");
        RequestJson.ShouldMatch(written["stream_options"], recorded["stream_options"], "stream_options");
        RequestJson.ShouldMatch(written["tool_choice"], recorded["tool_choice"], "tool_choice");
        RequestJson.ShouldMatch(Comparable(written["messages"]), Comparable(recorded["messages"]), "messages");
        var writtenTools = written["tools"]?.AsArray() ?? [];
        var recordedTools = recorded["tools"]?.AsArray() ?? [];
        writtenTools.Count.ShouldBe(recordedTools.Count);
        for (var i = 0; i < writtenTools.Count; i++)
        {
            RequestJson.ShouldMatch(writtenTools[i]!["function"]!["name"], recordedTools[i]!["function"]!["name"], "tool name");
            RequestJson.ShouldMatch(writtenTools[i]!["function"]!["parameters"], recordedTools[i]!["function"]!["parameters"], "tool parameters");
        }
    }

    [Fact]
    public void System_prompt_history_images_and_sampling()
    {
        ChatMessage[] history =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/jpeg")]),
            new(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("call_1", "look", new Dictionary<string, object?> { ["q"] = "x" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new { found = true })]),
        ];
        var options = new ChatOptions
        {
            ModelId = "llama3.1",
            Instructions = "You are Maestro.",
            Temperature = 0.3f,
            TopP = 0.8f,
            MaxOutputTokens = 500,
            StopSequences = ["###"],
            Seed = 7,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium },
        };

        var written = RequestJson.Parse(ChatCompletionsRequestWriter.Write(history, options, Settings, stream: false));

        RequestJson.ShouldMatch(written["messages"], JsonNode.Parse("""
            [
              {"role":"system","content":"You are Maestro.\n\nBe brief."},
              {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AQID"}}]},
              {"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{\"q\":\"x\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"found\":true}"}
            ]
            """), "messages");
        written["temperature"]!.GetValue<double>().ShouldBe(0.3, 1e-6);
        written["top_p"]!.GetValue<double>().ShouldBe(0.8, 1e-6);
        written["max_tokens"]!.GetValue<int>().ShouldBe(500);
        RequestJson.ShouldMatch(written["stop"], JsonNode.Parse("""["###"]"""), "stop");
        written["seed"]!.GetValue<long>().ShouldBe(7);
        written["reasoning_effort"]!.GetValue<string>().ShouldBe("medium");
        written["stream"]!.GetValue<bool>().ShouldBeFalse();
        written.ContainsKey("stream_options").ShouldBeFalse();
    }

    [Fact]
    public void Max_tokens_field_and_default_come_from_the_declaration()
    {
        var openAI = Settings with { MaxTokensField = "max_completion_tokens", DefaultMaxTokens = 4096 };

        var written = RequestJson.Parse(ChatCompletionsRequestWriter.Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-5" }, openAI, stream: true));
        written["max_completion_tokens"]!.GetValue<int>().ShouldBe(4096);
        written.ContainsKey("max_tokens").ShouldBeFalse();

        var none = RequestJson.Parse(ChatCompletionsRequestWriter.Write([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "m" }, Settings, stream: true));
        none.ContainsKey("max_tokens").ShouldBeFalse("without a declared default the server's own default applies");
    }

    [Fact]
    public void Tool_choice_for_a_named_function()
    {
        var options = new ChatOptions
        {
            ModelId = "m",
            Tools = [RequestJson.Tool("get_time", "Now.", JsonNode.Parse("""{"type":"object","properties":{}}"""))],
            ToolMode = ChatToolMode.RequireSpecific("get_time"),
            AllowMultipleToolCalls = false,
        };

        var written = RequestJson.Parse(ChatCompletionsRequestWriter.Write([new(ChatRole.User, "Hi")], options, Settings, stream: true));

        RequestJson.ShouldMatch(written["tool_choice"], JsonNode.Parse("""{"type":"function","function":{"name":"get_time"}}"""), "tool_choice");
        written["parallel_tool_calls"]!.GetValue<bool>().ShouldBeFalse();
    }

    /// <summary>Builds the M.E.AI history a recorded messages array stands for.</summary>
    private static List<ChatMessage> History(JsonArray messages)
    {
        var history = new List<ChatMessage>();
        foreach (var message in messages)
        {
            var role = message!["role"]!.GetValue<string>();
            var content = message["content"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            switch (role)
            {
                case "system":
                    history.Add(new ChatMessage(ChatRole.System, content));
                    break;
                case "user":
                    history.Add(new ChatMessage(ChatRole.User, content));
                    break;
                case "tool":
                    history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message["tool_call_id"]!.GetValue<string>(), content)]));
                    break;
                case "assistant":
                    var contents = new List<AIContent>();
                    if (!string.IsNullOrEmpty(content))
                    {
                        contents.Add(new TextContent(content));
                    }

                    foreach (var call in message["tool_calls"]?.AsArray() ?? [])
                    {
                        var function = call!["function"]!;
                        contents.Add(new FunctionCallContent(call["id"]!.GetValue<string>(), function["name"]!.GetValue<string>(),
                            JsonSerializer.Deserialize<Dictionary<string, object?>>(function["arguments"]!.GetValue<string>())));
                    }

                    history.Add(new ChatMessage(ChatRole.Assistant, contents));
                    break;
            }
        }

        return history;
    }

    /// <summary>
    /// Recorded histories differ from ours only where nothing is said: an assistant message with empty content
    /// (dropped), and "content": null beside tool calls (written as null either way).
    /// </summary>
    private static JsonArray Comparable(JsonNode? messages)
    {
        var result = new JsonArray();
        foreach (var message in messages!.AsArray())
        {
            var copy = message!.DeepClone().AsObject();
            var content = copy["content"];
            var empty = content is null || content is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0;
            if (copy["role"]!.GetValue<string>() == "assistant" && empty && copy["tool_calls"] is null)
            {
                continue;
            }

            if (empty)
            {
                copy.Remove("content");
            }

            result.Add(copy);
        }

        return result;
    }
}
