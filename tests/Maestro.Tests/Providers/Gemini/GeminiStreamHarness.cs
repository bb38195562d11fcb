using System.Globalization;
using System.Text;
using System.Text.Json;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Gemini;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>Feeds raw SSE bytes through the Gemini stream reader (no HTTP) and describes what came out.</summary>
internal static class GeminiStreamHarness
{
    public static readonly Uri BaseUrl = new("http://127.0.0.1:9/gemini");

    public static async Task<List<ChatResponseUpdate>> ReadAsync(Stream body, string model = "gemini-2.5-flash")
    {
        var connection = TestConnections.ApiKey("gemini", BaseUrl, options: new ProviderRuntimeOptions { KeepRawEvents = true });
        var reader = new GeminiStreamReader(connection, model, new GeminiErrorMapper());
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in reader.ReadAsync(body, connection, model, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    public static Task<List<ChatResponseUpdate>> ReadAsync(byte[] data, string model = "gemini-2.5-flash") =>
        ReadAsync(new ChunkedStream(data, [data.Length]), model);

    public static string Text(IEnumerable<ChatResponseUpdate> updates) =>
        string.Concat(updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text));

    public static string Reasoning(IEnumerable<ChatResponseUpdate> updates) =>
        string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(t => t.Text));

    public static List<string> Signatures(IEnumerable<ChatResponseUpdate> updates) =>
        [.. updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Where(r => r.ProtectedData is not null).Select(r => r.ProtectedData!)];

    public static List<FunctionCallContent> Calls(IEnumerable<ChatResponseUpdate> updates) =>
        [.. updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>()];

    public static List<ErrorContent> Errors(IEnumerable<ChatResponseUpdate> updates) =>
        [.. updates.SelectMany(u => u.Contents).OfType<ErrorContent>()];

    public static List<UsageContent> Usages(IEnumerable<ChatResponseUpdate> updates) =>
        [.. updates.SelectMany(u => u.Contents).OfType<UsageContent>()];

    /// <summary>A canonical dump of every update and content, to compare runs over differently cut streams.</summary>
    public static string Dump(IEnumerable<ChatResponseUpdate> updates)
    {
        var text = new StringBuilder();
        foreach (var update in updates)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{update.ResponseId}|{update.ModelId}|{update.FinishReason}]");
            foreach (var content in update.Contents)
            {
                text.Append(content switch
                {
                    TextContent t => "T:" + t.Text,
                    TextReasoningContent r => "R:" + r.Text + "|" + r.ProtectedData,
                    FunctionCallContent f => $"F:{f.CallId}|{f.Name}|{JsonSerializer.Serialize(f.Arguments)}|{f.AdditionalProperties?.GetValueOrDefault("thought_signature")}",
                    UsageContent u => $"U:{u.Details.InputTokenCount}/{u.Details.OutputTokenCount}/{u.Details.ReasoningTokenCount}/{u.Details.CachedInputTokenCount}/{u.Details.TotalTokenCount}",
                    ErrorContent e => $"E:{e.ErrorCode}|{e.Message}",
                    var other => other.GetType().Name,
                });
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>CRLF-framed SSE, as Gemini sends it.</summary>
    public static byte[] Sse(params string[] events) =>
        Encoding.UTF8.GetBytes(string.Concat(events.Select(e => e.StartsWith("event:", StringComparison.Ordinal) ? e + "\r\n\r\n" : "data: " + e + "\r\n\r\n")));
}
