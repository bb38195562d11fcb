using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace Maestro.Tests.Emulator;

/// <summary>
/// Reduces a stream to what makes its wire format: the sequence of event kinds (consecutive repeats collapsed) and the
/// JSON field paths each kind carries. Comparing these between an emulated stream and a recorded one checks event
/// types, ordering and field names without caring about the text.
/// </summary>
public static class WireShape
{
    public static async Task<List<SseItem<string>>> ParseAsync(byte[] bytes, CancellationToken ct)
    {
        using var response = new HttpResponseMessage { Content = new ByteArrayContent(bytes) };
        return await Api.ReadEventsAsync(response, ct);
    }

    public static List<string> Kinds(string api, IReadOnlyList<SseItem<string>> events)
    {
        var kinds = new List<string>();
        foreach (var item in events)
        {
            var kind = Kind(api, item);
            if (kinds.Count == 0 || kinds[^1] != kind)
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    /// <summary>
    /// Field paths per event type (<c>content_block_delta → {type, index, delta.type, delta.text}</c>); Chat Completions
    /// and Gemini chunks have no event type and are pooled as one <c>chunk</c>.
    /// </summary>
    public static Dictionary<string, HashSet<string>> Fields(string api, IReadOnlyList<SseItem<string>> events)
    {
        var fields = new Dictionary<string, HashSet<string>>();
        foreach (var item in events.Where(e => e.Data != "[DONE]"))
        {
            var kind = api is Api.OpenAIChat or Api.GeminiGenerate ? "chunk" : item.EventType;
            if (!fields.TryGetValue(kind, out var paths))
            {
                fields[kind] = paths = [];
            }

            using var document = JsonDocument.Parse(item.Data);
            Collect(document.RootElement, "", paths);
        }

        return fields;
    }

    private static string Kind(string api, SseItem<string> item)
    {
        if (item.Data == "[DONE]")
        {
            return "[DONE]";
        }

        var data = JsonDocument.Parse(item.Data).RootElement;
        switch (api)
        {
            case Api.AnthropicMessages:
                var type = data.GetProperty("type").GetString()!;
                return type switch
                {
                    "content_block_start" => type + ":" + data.GetProperty("content_block").GetProperty("type").GetString(),
                    "content_block_delta" => type + ":" + data.GetProperty("delta").GetProperty("type").GetString(),
                    _ => type,
                };
            case Api.OpenAIResponses:
                return item.EventType is "response.output_item.added" or "response.output_item.done"
                    ? item.EventType + ":" + data.GetProperty("item").GetProperty("type").GetString()
                    : item.EventType;
            case Api.OpenAIChat:
                var choices = data.GetProperty("choices");
                if (choices.GetArrayLength() == 0)
                {
                    return data.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object ? "usage" : "other";
                }

                var choice = choices[0];
                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                {
                    return "finish";
                }

                var delta = choice.GetProperty("delta");
                return delta.TryGetProperty("role", out _) ? "role"
                    : delta.TryGetProperty("tool_calls", out var calls) ? (calls[0].TryGetProperty("id", out _) ? "tool_call_start" : "tool_call_arguments")
                    : "content";
            default:
                var candidate = data.GetProperty("candidates")[0];
                var kind = new StringBuilder();
                foreach (var part in candidate.GetProperty("content").GetProperty("parts").EnumerateArray())
                {
                    kind.Append(part.TryGetProperty("functionCall", out _) ? "functionCall" : part.TryGetProperty("thought", out _) ? "thought" : "text");
                    kind.Append(part.TryGetProperty("thoughtSignature", out _) ? "+signature " : " ");
                }

                return kind.ToString().Trim() + (candidate.TryGetProperty("finishReason", out _) ? " +finish" : "");
        }
    }

    private static void Collect(JsonElement element, string path, HashSet<string> paths)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var child = path.Length == 0 ? property.Name : path + "." + property.Name;
                    paths.Add(child);
                    Collect(property.Value, child, paths);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, path + "[]", paths);
                }

                break;
        }
    }
}
