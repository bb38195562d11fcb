using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Emulator;

/// <summary>
/// Test-side knowledge of the four emulated chat APIs: how to build a request and how to read text, tool calls,
/// usage and completion out of a stream or a whole answer. Kept independent from the emulator's code on purpose.
/// </summary>
public abstract class Api
{
    public const string AnthropicMessages = "anthropic";
    public const string OpenAIResponses = "responses";
    public const string OpenAIChat = "chat";
    public const string GeminiGenerate = "gemini";

    public static TheoryData<string> All => [AnthropicMessages, OpenAIResponses, OpenAIChat, GeminiGenerate];

    public static TheoryData<string, bool> AllWithStreaming =>
        new() { { AnthropicMessages, true }, { AnthropicMessages, false }, { OpenAIResponses, true }, { OpenAIResponses, false },
            { OpenAIChat, true }, { OpenAIChat, false }, { GeminiGenerate, true }, { GeminiGenerate, false } };

    public static Api For(string name) => name switch
    {
        AnthropicMessages => new AnthropicApi(),
        OpenAIResponses => new ResponsesApi(),
        OpenAIChat => new ChatApi(),
        GeminiGenerate => new GeminiApi(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public abstract string DefaultModel { get; }

    public abstract HttpRequestMessage Request(Uri baseUrl, string key, string model, bool stream, string prompt = "Hello emulator", Action<JsonObject>? body = null);

    public abstract IReadOnlyList<string> TextDeltas(IReadOnlyList<SseItem<string>> events);

    public abstract bool HasCompletion(IReadOnlyList<SseItem<string>> events);

    /// <summary>(input, output) tokens reported at the end of a stream.</summary>
    public abstract (int Input, int Output) StreamUsage(IReadOnlyList<SseItem<string>> events);

    public abstract IReadOnlyList<(string? Id, string Name, string Arguments)> StreamToolCalls(IReadOnlyList<SseItem<string>> events);

    public abstract string Text(JsonElement body);

    public abstract (int Input, int Output) Usage(JsonElement body);

    public abstract IReadOnlyList<(string? Id, string Name, string Arguments)> ToolCalls(JsonElement body);

    public static async Task<List<SseItem<string>>> ReadEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var events = new List<SseItem<string>>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            events.Add(item);
        }

        return events;
    }

    protected static JsonElement Parse(string data)
    {
        using var document = JsonDocument.Parse(data);
        return document.RootElement.Clone();
    }

    protected static HttpRequestMessage Post(Uri url, JsonObject body)
    {
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
    }

    protected static IEnumerable<JsonElement> Data(IReadOnlyList<SseItem<string>> events) =>
        events.Where(e => e.Data != "[DONE]").Select(e => Parse(e.Data));

    protected static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);
}
