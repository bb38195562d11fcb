using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>What a normalized stream said, in a comparable form.</summary>
public sealed record StreamSummary(
    string Text,
    string Reasoning,
    IReadOnlyList<string> Encrypted,
    IReadOnlyList<string> Calls,
    string? Usage,
    string? Finish,
    IReadOnlyList<string> Errors)
{
    public static StreamSummary Of(IReadOnlyList<ChatResponseUpdate> updates)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var encrypted = new List<string>();
        var calls = new List<string>();
        var usages = new List<string>();
        var errors = new List<string>();
        string? finish = null;
        foreach (var update in updates)
        {
            if (update.FinishReason is { } f)
            {
                finish = f.Value;
            }

            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case TextReasoningContent { ProtectedData: { } data } r:
                        encrypted.Add($"{r.AdditionalProperties?[OpenAIRequestWriter.ItemIdKey]}={data}");
                        break;
                    case TextReasoningContent r:
                        reasoning.Append(r.Text);
                        break;
                    case FunctionCallContent c:
                        calls.Add(Call(c.AdditionalProperties?.GetValueOrDefault(OpenAIRequestWriter.ItemIdKey)?.ToString(), c.CallId, c.Name,
                            JsonSerializer.Serialize(c.Arguments)));
                        break;
                    case UsageContent u:
                        usages.Add(UsageText(u.Details.InputTokenCount, u.Details.OutputTokenCount, u.Details.TotalTokenCount,
                            u.Details.CachedInputTokenCount, u.Details.ReasoningTokenCount));
                        break;
                    case ErrorContent e:
                        errors.Add($"{e.ErrorCode}: {e.Message}");
                        break;
                }
            }
        }

        usages.Count.ShouldBeLessThanOrEqualTo(1, "exactly one usage per response");
        return new StreamSummary(text.ToString(), reasoning.ToString(), encrypted, calls, usages.FirstOrDefault(), finish, errors);
    }

    /// <summary>A call rendered with its arguments normalized (key order and spacing do not matter).</summary>
    public static string Call(string? itemId, string callId, string name, string argumentsJson) =>
        $"{itemId}|{callId}|{name}|{JsonNode.Parse(argumentsJson)?.ToJsonString() ?? "{}"}";

    public static string UsageText(long? input, long? output, long? total, long? cached, long? reasoning) =>
        $"in={input} out={output} total={total} cached={cached} reasoning={reasoning}";

    /// <summary>Everything above in one string, to compare two runs.</summary>
    public string Key() =>
        string.Join("\n", [Text, Reasoning, .. Encrypted, .. Calls, Usage ?? "-", Finish ?? "-", .. Errors]);
}

/// <summary>Runs raw stream bytes through a reader, the way the chat clients do.</summary>
public static class StreamRunner
{
    public static ProviderConnection Connection(string provider = "openai") =>
        TestConnections.ApiKey(provider, new Uri("https://api.openai.com"), options: new ProviderRuntimeOptions { KeepRawEvents = true });

    public static async Task<List<ChatResponseUpdate>> RunAsync(Maestro.Providers.Shared.SseChatStream reader, Stream stream, string provider = "openai")
    {
        var connection = Connection(provider);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in reader.ReadAsync(stream, connection, "test-model", TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        // Raw events are kept on this connection: each update says what the provider sent (or, for an error, why).
        updates.ShouldAllBe(u => u.RawRepresentation != null);
        return updates;
    }
}
