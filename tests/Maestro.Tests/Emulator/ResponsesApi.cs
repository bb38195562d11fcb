using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Emulator;

public sealed class ResponsesApi : Api
{
    public override string DefaultModel => "gpt-5";

    public override HttpRequestMessage Request(Uri baseUrl, string key, string model, bool stream, string prompt = "Hello emulator", Action<JsonObject>? body = null)
    {
        var json = new JsonObject
        {
            ["model"] = model,
            ["input"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = prompt } },
            ["stream"] = stream,
        };
        body?.Invoke(json);
        var request = Post(new Uri(baseUrl, "/openai/v1/responses"), json);
        request.Headers.Authorization = Bearer(key);
        return request;
    }

    public override IReadOnlyList<string> TextDeltas(IReadOnlyList<SseItem<string>> events) =>
        events.Where(e => e.EventType == "response.output_text.delta").Select(e => Parse(e.Data).GetProperty("delta").GetString()!).ToList();

    public override bool HasCompletion(IReadOnlyList<SseItem<string>> events) => events.Any(e => e.EventType == "response.completed");

    public override (int Input, int Output) StreamUsage(IReadOnlyList<SseItem<string>> events) =>
        Usage(Parse(events.Single(e => e.EventType is "response.completed" or "response.incomplete").Data).GetProperty("response"));

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> StreamToolCalls(IReadOnlyList<SseItem<string>> events)
    {
        var calls = new List<(string ItemId, string CallId, string Name, StringBuilder Json)>();
        foreach (var item in events)
        {
            var data = Parse(item.Data);
            if (item.EventType == "response.output_item.added" && data.GetProperty("item").GetProperty("type").GetString() == "function_call")
            {
                var call = data.GetProperty("item");
                calls.Add((call.GetProperty("id").GetString()!, call.GetProperty("call_id").GetString()!, call.GetProperty("name").GetString()!, new StringBuilder()));
            }
            else if (item.EventType == "response.function_call_arguments.delta")
            {
                calls.Single(c => c.ItemId == data.GetProperty("item_id").GetString()).Json.Append(data.GetProperty("delta").GetString());
            }
        }

        return calls.Select(c => ((string?)c.CallId, c.Name, c.Json.ToString())).ToList();
    }

    public override string Text(JsonElement body) => string.Concat(
        body.GetProperty("output").EnumerateArray()
            .Where(i => i.GetProperty("type").GetString() == "message")
            .SelectMany(i => i.GetProperty("content").EnumerateArray())
            .Select(c => c.GetProperty("text").GetString()));

    public override (int Input, int Output) Usage(JsonElement body) =>
        (body.GetProperty("usage").GetProperty("input_tokens").GetInt32(), body.GetProperty("usage").GetProperty("output_tokens").GetInt32());

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> ToolCalls(JsonElement body) =>
        body.GetProperty("output").EnumerateArray()
            .Where(i => i.GetProperty("type").GetString() == "function_call")
            .Select(i => ((string?)i.GetProperty("call_id").GetString(), i.GetProperty("name").GetString()!, i.GetProperty("arguments").GetString()!))
            .ToList();
}
