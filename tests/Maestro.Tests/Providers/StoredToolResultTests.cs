using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Providers.Anthropic;
using Maestro.Providers.Gemini;
using Maestro.Providers.OpenAI;
using Maestro.Providers.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers;

/// <summary>
/// A tool result read back from the database is a JSON string element, copied into the request as its JSON text: every
/// provider's request must carry the same JSON (every value, in order) as the same result as a .NET string gives,
/// however the stored text was escaped.
/// </summary>
public sealed class StoredToolResultTests
{
    public static TheoryData<string> Texts() =>
    [
        "plain output",
        "",
        "line one\nline two\r\n\ttabbed",
        "quotes \" and backslashes \\ and a slash /",
        "control \u0001 \u001f and del \u007f",
        "<script>alert('x') & \"y\"</script>",
        "non-ASCII: é, ß, 中文, and an emoji 😀",
        "separators \u2028 \u2029",
        string.Concat(Enumerable.Repeat("00042 a long line of a file an agent read\n", 400)),
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_provider_writes_a_stored_result_as_it_writes_the_same_text(string text)
    {
        foreach (var stored in Stored(text))
        {
            Same(Anthropic(stored), Anthropic(text), "Anthropic");
            Same(Responses(stored), Responses(text), "OpenAI Responses");
            Same(ChatCompletions(stored), ChatCompletions(text), "chat completions");
            Same(Gemini(stored), Gemini(text), "Gemini");
        }
    }

    private static void Same(string written, string expected, string provider)
    {
        // Valid JSON as it is (a parser would refuse anything else), with the very same values.
        JsonNode.DeepEquals(JsonNode.Parse(written), JsonNode.Parse(expected)).ShouldBeTrue($"{provider}: {written}");
    }

    /// <summary>The text as a JSON string element two ways: escaped as .NET writes it, and as PostgreSQL's jsonb gives it back (only what JSON requires escaped).</summary>
    private static IEnumerable<JsonElement> Stored(string text)
    {
        yield return JsonSerializer.SerializeToElement(text);
        var minimal = new StringBuilder("\"");
        foreach (var c in text)
        {
            minimal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        using var document = JsonDocument.Parse(minimal.Append('"').ToString());
        yield return document.RootElement.Clone();
    }

    private static List<ChatMessage> History(object result) =>
    [
        new(ChatRole.User, "Read the file"),
        new(ChatRole.Assistant, [new FunctionCallContent("call_1", "read_file", new Dictionary<string, object?> { ["path"] = "a.txt" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", result)]),
    ];

    private static string Anthropic(object result) =>
        Encoding.UTF8.GetString(AnthropicRequestWriter.Write(History(result), new ChatOptions { ModelId = "claude-sonnet-4-5" }, stream: true).Body.Span);

    private static string Responses(object result) =>
        Encoding.UTF8.GetString(OpenAIRequestWriter.Write(History(result), new ChatOptions { ModelId = "gpt-5" }, stream: true));

    private static string ChatCompletions(object result) =>
        Encoding.UTF8.GetString(ChatCompletionsRequestWriter.Write(
            History(result), new ChatOptions { ModelId = "gpt-4o" }, new CompatibleProviderSettings("openai-chat", "OpenAI (chat)", new Uri("https://api.openai.com/v1")), stream: true));

    private static string Gemini(object result) =>
        Encoding.UTF8.GetString(GeminiRequestWriter.Build(History(result), new ChatOptions { ModelId = "gemini-2.5-flash" }).Body.Span);
}
