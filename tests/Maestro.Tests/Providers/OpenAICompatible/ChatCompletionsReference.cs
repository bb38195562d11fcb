using System.Text;
using System.Text.Json;
using Maestro.Tests.Providers.OpenAI;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>The expected result of a Chat Completions stream, extracted plainly from the raw chunks with JsonDocument.</summary>
public static class ChatCompletionsReference
{
    public static StreamSummary Extract(IEnumerable<RawSse.Event> events)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        string? usage = null;
        string? finish = null;
        var done = false;
        foreach (var e in events)
        {
            if (e.Data == "[DONE]")
            {
                done = true;
                continue;
            }

            using var doc = JsonDocument.Parse(e.Data);
            var root = doc.RootElement;
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = StreamSummary.UsageText(
                    u.GetProperty("prompt_tokens").GetInt64(),
                    u.GetProperty("completion_tokens").GetInt64(),
                    u.GetProperty("total_tokens").GetInt64(),
                    u.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64(),
                    u.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt64());
            }

            foreach (var choice in root.GetProperty("choices").EnumerateArray())
            {
                var delta = choice.GetProperty("delta");
                if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }

                if (delta.TryGetProperty("tool_calls", out var toolCalls))
                {
                    foreach (var call in toolCalls.EnumerateArray())
                    {
                        var index = call.GetProperty("index").GetInt32();
                        if (!calls.TryGetValue(index, out var entry))
                        {
                            entry = (null, null, new StringBuilder());
                        }

                        var function = call.GetProperty("function");
                        entry = (
                            entry.Id ?? (call.TryGetProperty("id", out var id) ? id.GetString() : null),
                            entry.Name ?? (function.TryGetProperty("name", out var name) ? name.GetString() : null),
                            entry.Arguments.Append(function.TryGetProperty("arguments", out var a) ? a.GetString() : ""));
                        calls[index] = entry;
                    }
                }

                if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                {
                    finish = f.GetString();
                }
            }
        }

        var rendered = finish is null ? [] : calls.Values.Select(c => StreamSummary.Call(null, c.Id!, c.Name!, c.Arguments.ToString())).ToList();
        return new StreamSummary(text.ToString(), "", [], rendered, done ? usage : null, done ? finish : null, []);
    }
}
