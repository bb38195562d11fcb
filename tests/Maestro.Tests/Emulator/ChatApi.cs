using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Emulator;

public sealed class ChatApi : Api
{
    public override string DefaultModel => "gpt-4o-mini";

    public override HttpRequestMessage Request(Uri baseUrl, string key, string model, bool stream, string prompt = "Hello emulator", Action<JsonObject>? body = null)
    {
        var json = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = prompt } },
            ["stream"] = stream,
        };
        if (stream)
        {
            json["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        body?.Invoke(json);
        var request = Post(new Uri(baseUrl, "/openai/v1/chat/completions"), json);
        request.Headers.Authorization = Bearer(key);
        return request;
    }

    public override IReadOnlyList<string> TextDeltas(IReadOnlyList<SseItem<string>> events) =>
        Data(events)
            .Where(d => d.GetProperty("choices").GetArrayLength() > 0)
            .Select(d => d.GetProperty("choices")[0].GetProperty("delta"))
            .Where(delta => delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0)
            .Select(delta => delta.GetProperty("content").GetString()!)
            .ToList();

    public override bool HasCompletion(IReadOnlyList<SseItem<string>> events) => events.Any(e => e.Data == "[DONE]");

    public override (int Input, int Output) StreamUsage(IReadOnlyList<SseItem<string>> events) =>
        Usage(Data(events).Single(d => d.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object));

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> StreamToolCalls(IReadOnlyList<SseItem<string>> events)
    {
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Json)>();
        foreach (var data in Data(events).Where(d => d.GetProperty("choices").GetArrayLength() > 0))
        {
            if (!data.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out var toolCalls))
            {
                continue;
            }

            foreach (var call in toolCalls.EnumerateArray())
            {
                var index = call.GetProperty("index").GetInt32();
                var function = call.GetProperty("function");
                if (call.TryGetProperty("id", out var id))
                {
                    calls[index] = (id.GetString()!, function.GetProperty("name").GetString()!, new StringBuilder());
                }

                calls[index].Json.Append(function.GetProperty("arguments").GetString());
            }
        }

        return calls.Values.Select(c => ((string?)c.Id, c.Name, c.Json.ToString())).ToList();
    }

    public override string Text(JsonElement body) =>
        body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";

    public override (int Input, int Output) Usage(JsonElement body) =>
        (body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> ToolCalls(JsonElement body) =>
        body.GetProperty("choices")[0].GetProperty("message").TryGetProperty("tool_calls", out var calls)
            ? calls.EnumerateArray()
                .Select(c => ((string?)c.GetProperty("id").GetString(), c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!))
                .ToList()
            : [];
}
