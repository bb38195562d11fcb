using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Emulator;

public sealed class AnthropicApi : Api
{
    public override string DefaultModel => "claude-sonnet-4-5";

    public override HttpRequestMessage Request(Uri baseUrl, string key, string model, bool stream, string prompt = "Hello emulator", Action<JsonObject>? body = null)
    {
        var json = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 1024,
            ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = prompt } },
            ["stream"] = stream,
        };
        body?.Invoke(json);
        var request = Post(new Uri(baseUrl, "/anthropic/v1/messages"), json);
        request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    public override IReadOnlyList<string> TextDeltas(IReadOnlyList<SseItem<string>> events) =>
        Data(events)
            .Where(d => d.GetProperty("type").GetString() == "content_block_delta" && d.GetProperty("delta").GetProperty("type").GetString() == "text_delta")
            .Select(d => d.GetProperty("delta").GetProperty("text").GetString()!)
            .ToList();

    public override bool HasCompletion(IReadOnlyList<SseItem<string>> events) => events.Any(e => e.EventType == "message_stop");

    public override (int Input, int Output) StreamUsage(IReadOnlyList<SseItem<string>> events)
    {
        var data = Data(events).ToList();
        var start = data.Single(d => d.GetProperty("type").GetString() == "message_start").GetProperty("message").GetProperty("usage");
        var delta = data.Single(d => d.GetProperty("type").GetString() == "message_delta").GetProperty("usage");
        return (start.GetProperty("input_tokens").GetInt32(), delta.GetProperty("output_tokens").GetInt32());
    }

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> StreamToolCalls(IReadOnlyList<SseItem<string>> events)
    {
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Json)>();
        foreach (var data in Data(events))
        {
            var type = data.GetProperty("type").GetString();
            if (type == "content_block_start" && data.GetProperty("content_block").GetProperty("type").GetString() == "tool_use")
            {
                var block = data.GetProperty("content_block");
                calls[data.GetProperty("index").GetInt32()] = (block.GetProperty("id").GetString()!, block.GetProperty("name").GetString()!, new StringBuilder());
            }
            else if (type == "content_block_delta" && data.GetProperty("delta").GetProperty("type").GetString() == "input_json_delta")
            {
                calls[data.GetProperty("index").GetInt32()].Json.Append(data.GetProperty("delta").GetProperty("partial_json").GetString());
            }
        }

        return calls.Values.Select(c => ((string?)c.Id, c.Name, c.Json.Length == 0 ? "{}" : c.Json.ToString())).ToList();
    }

    public override string Text(JsonElement body) => string.Concat(
        body.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));

    public override (int Input, int Output) Usage(JsonElement body) =>
        (body.GetProperty("usage").GetProperty("input_tokens").GetInt32(), body.GetProperty("usage").GetProperty("output_tokens").GetInt32());

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> ToolCalls(JsonElement body) =>
        body.GetProperty("content").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "tool_use")
            .Select(b => ((string?)b.GetProperty("id").GetString(), b.GetProperty("name").GetString()!, b.GetProperty("input").GetRawText()))
            .ToList();
}
