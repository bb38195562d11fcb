using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Emulator;

public sealed class GeminiApi : Api
{
    public override string DefaultModel => "gemini-2.5-flash";

    public override HttpRequestMessage Request(Uri baseUrl, string key, string model, bool stream, string prompt = "Hello emulator", Action<JsonObject>? body = null)
    {
        var json = new JsonObject
        {
            ["contents"] = new JsonArray
            {
                new JsonObject { ["role"] = "user", ["parts"] = new JsonArray { new JsonObject { ["text"] = prompt } } },
            },
        };
        body?.Invoke(json);
        var path = stream ? $"/gemini/v1beta/models/{model}:streamGenerateContent?alt=sse" : $"/gemini/v1beta/models/{model}:generateContent";
        var request = Post(new Uri(baseUrl, path), json);
        request.Headers.Add("x-goog-api-key", key);
        return request;
    }

    public override IReadOnlyList<string> TextDeltas(IReadOnlyList<SseItem<string>> events) =>
        Data(events).SelectMany(Parts)
            .Where(p => p.TryGetProperty("text", out var t) && t.GetString()!.Length > 0 && !p.TryGetProperty("thought", out _))
            .Select(p => p.GetProperty("text").GetString()!)
            .ToList();

    public override bool HasCompletion(IReadOnlyList<SseItem<string>> events) =>
        Data(events).Any(d => d.GetProperty("candidates")[0].TryGetProperty("finishReason", out _));

    public override (int Input, int Output) StreamUsage(IReadOnlyList<SseItem<string>> events) => Usage(Data(events).Last());

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> StreamToolCalls(IReadOnlyList<SseItem<string>> events) =>
        Data(events).SelectMany(Parts).Where(p => p.TryGetProperty("functionCall", out _)).Select(Call).ToList();

    public override string Text(JsonElement body) => string.Concat(
        Parts(body).Where(p => p.TryGetProperty("text", out _) && !p.TryGetProperty("thought", out _)).Select(p => p.GetProperty("text").GetString()));

    public override (int Input, int Output) Usage(JsonElement body)
    {
        var usage = body.GetProperty("usageMetadata");
        var output = (usage.TryGetProperty("candidatesTokenCount", out var c) ? c.GetInt32() : 0)
            + (usage.TryGetProperty("thoughtsTokenCount", out var t) ? t.GetInt32() : 0);
        return (usage.GetProperty("promptTokenCount").GetInt32(), output);
    }

    public override IReadOnlyList<(string? Id, string Name, string Arguments)> ToolCalls(JsonElement body) =>
        Parts(body).Where(p => p.TryGetProperty("functionCall", out _)).Select(Call).ToList();

    private static IEnumerable<JsonElement> Parts(JsonElement response) =>
        response.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray();

    private static (string? Id, string Name, string Arguments) Call(JsonElement part) =>
        (null, part.GetProperty("functionCall").GetProperty("name").GetString()!, part.GetProperty("functionCall").GetProperty("args").GetRawText());
}
