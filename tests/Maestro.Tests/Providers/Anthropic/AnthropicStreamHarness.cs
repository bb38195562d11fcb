using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Anthropic;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>What a stream of updates amounts to, in a form two runs (or an adapter and a reference) can be compared by.</summary>
internal sealed record StreamSummary(
    string Text,
    string Reasoning,
    IReadOnlyList<string> ProtectedData,
    IReadOnlyList<(string Id, string Name, string Arguments)> Calls,
    IReadOnlyList<ErrorContent> Errors,
    IReadOnlyList<UsageDetails> Usages,
    ChatFinishReason? Finish,
    string? StopSequence,
    bool UsageOnLastUpdate,
    string? MessageId,
    string? ModelId);

/// <summary>Feeds bytes through the Anthropic stream reader, without HTTP.</summary>
internal static class AnthropicStreamHarness
{
    public static readonly Uri BaseUrl = new("http://127.0.0.1:9/anthropic");

    /// <summary>Replays with <see cref="ProviderRuntimeOptions.KeepRawEvents"/> on unless <paramref name="options"/> say otherwise.</summary>
    public static async Task<List<ChatResponseUpdate>> ReplayAsync(Stream stream, string model = "claude-test", ProviderRuntimeOptions? options = null)
    {
        var connection = TestConnections.ApiKey("anthropic", BaseUrl, options: options ?? new ProviderRuntimeOptions { KeepRawEvents = true });
        var reader = new AnthropicStreamReader(
            new ProviderRequestContext("anthropic", connection.AuthLabel, model, BaseUrl), connection.Runtime.Diagnostics);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in reader.ReadAsync(stream, connection, model, CancellationToken.None))
        {
            updates.Add(update);
        }

        return updates;
    }

    public static Task<List<ChatResponseUpdate>> ReplayAsync(byte[] bytes) => ReplayAsync(new MemoryStream(bytes));

    public static StreamSummary Summarize(IReadOnlyList<ChatResponseUpdate> updates)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var protectedData = new List<string>();
        var calls = new List<(string, string, string)>();
        var errors = new List<ErrorContent>();
        var usages = new List<UsageDetails>();
        foreach (var update in updates)
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case TextReasoningContent r:
                        reasoning.Append(r.Text);
                        if (r.ProtectedData is not null)
                        {
                            protectedData.Add(r.ProtectedData);
                        }

                        break;
                    case FunctionCallContent c:
                        calls.Add((c.CallId, c.Name, c.Arguments is null ? "<invalid>" : JsonSerializer.Serialize(c.Arguments)));
                        break;
                    case ErrorContent e:
                        errors.Add(e);
                        break;
                    case UsageContent u:
                        usages.Add(u.Details);
                        break;
                }
            }
        }

        var last = updates.Count > 0 ? updates[^1] : null;
        return new StreamSummary(
            text.ToString(),
            reasoning.ToString(),
            protectedData,
            calls,
            errors,
            usages,
            last?.FinishReason,
            last?.AdditionalProperties?.TryGetValue("stop_sequence", out var stop) == true ? stop as string : null,
            last is not null && last.Contents.OfType<UsageContent>().Any(),
            updates.Select(u => u.MessageId).LastOrDefault(id => id is not null),
            updates.Select(u => u.ModelId).LastOrDefault(id => id is not null));
    }

    /// <summary>The byte offsets where each SSE event ends, with the event's type.</summary>
    public static List<(int End, string Type)> Events(byte[] bytes)
    {
        var ends = ChunkedStream.EventEnds(bytes);
        var result = new List<(int, string)>();
        var start = 0;
        foreach (var end in ends)
        {
            var block = Encoding.UTF8.GetString(bytes, start, end - start);
            var type = block.Split('\n').FirstOrDefault(l => l.StartsWith("event:", StringComparison.Ordinal))?[6..].Trim() ?? "message";
            result.Add((end, type));
            start = end;
        }

        return result;
    }
}
