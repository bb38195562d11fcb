using System.Text;
using System.Text.Json;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>
/// The expected result of a Responses API stream, extracted plainly from the raw events with JsonDocument. It shares
/// no code with the adapter, so a fixture and the adapter are checked against each other.
/// </summary>
public static class ResponsesReference
{
    public static StreamSummary Extract(IEnumerable<RawSse.Event> events)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var encrypted = new List<string>();
        var callOrder = new List<string>();
        var calls = new Dictionary<string, (string CallId, string Name, StringBuilder Arguments)>();
        string? usage = null;
        string? finish = null;
        var errors = new List<string>();
        var done = new List<string>();
        foreach (var e in events)
        {
            using var doc = JsonDocument.Parse(e.Data);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "response.output_text.delta":
                    text.Append(root.GetProperty("delta").GetString());
                    break;
                case "response.reasoning_summary_text.delta":
                    reasoning.Append(root.GetProperty("delta").GetString());
                    break;
                case "response.reasoning_summary_part.added" when root.GetProperty("summary_index").GetInt32() > 0:
                    reasoning.Append("\n\n");
                    break;
                case "response.output_item.added" when root.GetProperty("item").GetProperty("type").GetString() == "function_call":
                    var added = root.GetProperty("item");
                    var id = added.GetProperty("id").GetString()!;
                    callOrder.Add(id);
                    calls[id] = (added.GetProperty("call_id").GetString()!, added.GetProperty("name").GetString()!, new StringBuilder());
                    break;
                case "response.function_call_arguments.delta":
                    calls[root.GetProperty("item_id").GetString()!].Arguments.Append(root.GetProperty("delta").GetString());
                    break;
                case "response.output_item.done":
                    var item = root.GetProperty("item");
                    if (item.GetProperty("type").GetString() == "function_call")
                    {
                        done.Add(item.GetProperty("id").GetString()!);
                    }

                    if (item.GetProperty("type").GetString() == "reasoning" && item.TryGetProperty("encrypted_content", out var enc) &&
                        enc.GetString() is { Length: > 0 } blob)
                    {
                        encrypted.Add($"{item.GetProperty("id").GetString()}={blob}");
                    }

                    break;
                case "response.completed":
                    var response = root.GetProperty("response");
                    var u = response.GetProperty("usage");
                    usage = StreamSummary.UsageText(
                        u.GetProperty("input_tokens").GetInt64(),
                        u.GetProperty("output_tokens").GetInt64(),
                        u.GetProperty("total_tokens").GetInt64(),
                        u.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt64(),
                        u.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt64());
                    finish = callOrder.Count > 0 ? "tool_calls" : "stop";
                    break;
                case "error":
                    errors.Add(root.GetProperty("error").GetProperty("code").GetString()!);
                    break;
            }
        }

        var renderedCalls = done
            .Select(id => StreamSummary.Call(id, calls[id].CallId, calls[id].Name, calls[id].Arguments.Length == 0 ? "{}" : calls[id].Arguments.ToString()))
            .ToList();
        return new StreamSummary(text.ToString(), reasoning.ToString(), encrypted, renderedCalls, usage, finish, errors);
    }
}
