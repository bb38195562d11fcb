using System.Net.Http.Headers;
using System.Text;

namespace Maestro.Bench.Streams;

/// <summary>The smallest streaming request each provider's API takes, for a model name the emulator understands.</summary>
public static class WireRequests
{
    public const string ApiKey = "bench-key";

    public static HttpRequestMessage Create(Uri emulator, Adapter adapter, string model) => adapter switch
    {
        Adapter.AnthropicMessages => Post(
            new Uri(emulator, "anthropic/v1/messages"),
            $$$"""{"model":"{{{model}}}","max_tokens":32000,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""",
            ("x-api-key", ApiKey), ("anthropic-version", "2023-06-01")),
        Adapter.OpenAIResponses => Post(
            new Uri(emulator, "openai/v1/responses"),
            $$$"""{"model":"{{{model}}}","input":"Hello","stream":true,"store":false}""",
            ("Authorization", "Bearer " + ApiKey)),
        Adapter.ChatCompletions => Post(
            new Uri(emulator, "openai/v1/chat/completions"),
            $$$"""{"model":"{{{model}}}","messages":[{"role":"user","content":"Hello"}],"stream":true,"stream_options":{"include_usage":true}}""",
            ("Authorization", "Bearer " + ApiKey)),
        Adapter.Gemini => Post(
            new Uri(emulator, $"gemini/v1beta/models/{model}:streamGenerateContent?alt=sse"),
            """{"contents":[{"role":"user","parts":[{"text":"Hello"}]}]}""",
            ("x-goog-api-key", ApiKey)),
        _ => throw new ArgumentOutOfRangeException(nameof(adapter), adapter, "unknown adapter"),
    };

    private static HttpRequestMessage Post(Uri url, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
