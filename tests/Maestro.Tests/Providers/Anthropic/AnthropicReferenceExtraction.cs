using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>
/// What a recorded Anthropic stream carries, read plainly with JsonDocument and string splitting. It shares no code with
/// the adapter, so the conformance tests compare two independent readings of the same bytes.
/// </summary>
internal sealed class AnthropicReferenceExtraction
{
    public string Text { get; private set; } = "";

    public string Reasoning { get; private set; } = "";

    public List<string> Signatures { get; } = [];

    public List<string> RedactedData { get; } = [];

    public List<(string Id, string Name, JsonNode? Arguments)> ToolCalls { get; } = [];

    public long InputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    public long CacheRead { get; private set; }

    public long CacheCreation { get; private set; }

    public long? ThinkingTokens { get; private set; }

    public string? StopReason { get; private set; }

    public string? StopSequence { get; private set; }

    public string? MessageId { get; private set; }

    public string? Model { get; private set; }

    public int ServerToolUses { get; private set; }

    public int Citations { get; private set; }

    public static AnthropicReferenceExtraction From(string sse)
    {
        var result = new AnthropicReferenceExtraction();
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var toolBlocks = new Dictionary<int, (string Id, string Name, StringBuilder Json)>();
        foreach (var rawEvent in sse.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            var dataLine = rawEvent.Split('\n').FirstOrDefault(l => l.StartsWith("data:", StringComparison.Ordinal));
            if (dataLine is null)
            {
                continue;
            }

            using var document = JsonDocument.Parse(dataLine[5..]);
            var root = document.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "message_start":
                    var message = root.GetProperty("message");
                    result.MessageId = message.GetProperty("id").GetString();
                    result.Model = message.GetProperty("model").GetString();
                    result.ReadUsage(message.GetProperty("usage"));
                    break;
                case "content_block_start":
                    var block = root.GetProperty("content_block");
                    var blockType = block.GetProperty("type").GetString();
                    if (blockType == "tool_use")
                    {
                        toolBlocks[root.GetProperty("index").GetInt32()] =
                            (block.GetProperty("id").GetString()!, block.GetProperty("name").GetString()!, new StringBuilder());
                    }
                    else if (blockType == "redacted_thinking")
                    {
                        result.RedactedData.Add(block.GetProperty("data").GetString()!);
                    }
                    else if (blockType == "server_tool_use")
                    {
                        result.ServerToolUses++;
                    }

                    break;
                case "content_block_delta":
                    var delta = root.GetProperty("delta");
                    var index = root.GetProperty("index").GetInt32();
                    switch (delta.GetProperty("type").GetString())
                    {
                        case "text_delta":
                            text.Append(delta.GetProperty("text").GetString());
                            break;
                        case "thinking_delta":
                            reasoning.Append(delta.GetProperty("thinking").GetString());
                            break;
                        case "signature_delta":
                            result.Signatures.Add(delta.GetProperty("signature").GetString()!);
                            break;
                        case "input_json_delta" when toolBlocks.TryGetValue(index, out var tool):
                            tool.Json.Append(delta.GetProperty("partial_json").GetString());
                            break;
                        case "citations_delta":
                            result.Citations++;
                            break;
                    }

                    break;
                case "content_block_stop":
                    if (toolBlocks.Remove(root.GetProperty("index").GetInt32(), out var done))
                    {
                        var json = done.Json.ToString();
                        result.ToolCalls.Add((done.Id, done.Name, json.Length == 0 ? new JsonObject() : JsonNode.Parse(json)));
                    }

                    break;
                case "message_delta":
                    var messageDelta = root.GetProperty("delta");
                    result.StopReason = messageDelta.GetProperty("stop_reason").GetString();
                    if (messageDelta.TryGetProperty("stop_sequence", out var stop) && stop.ValueKind == JsonValueKind.String)
                    {
                        result.StopSequence = stop.GetString();
                    }

                    result.ReadUsage(root.GetProperty("usage"));
                    break;
            }
        }

        result.Text = text.ToString();
        result.Reasoning = reasoning.ToString();
        return result;
    }

    private void ReadUsage(JsonElement usage)
    {
        foreach (var property in usage.EnumerateObject())
        {
            switch (property.Name)
            {
                case "input_tokens":
                    InputTokens = property.Value.GetInt64();
                    break;
                case "output_tokens":
                    OutputTokens = property.Value.GetInt64();
                    break;
                case "cache_read_input_tokens":
                    CacheRead = property.Value.GetInt64();
                    break;
                case "cache_creation_input_tokens":
                    CacheCreation = property.Value.GetInt64();
                    break;
                case "output_tokens_details":
                    ThinkingTokens = property.Value.GetProperty("thinking_tokens").GetInt64();
                    break;
            }
        }
    }
}
