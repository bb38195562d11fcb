using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace Maestro.Bench.Clients;

/// <summary>The official OpenAI .NET SDK (2.15.0) streaming the same bytes: <c>ChatClient.CompleteChatStreamingAsync</c>.</summary>
public sealed class OpenAIChatSdk(HttpClient http, Uri baseUrl, string model)
{
    private static readonly ChatMessage[] Prompt = [new UserChatMessage("Hello")];

    private readonly ChatClient _client = new(
        model,
        new ApiKeyCredential(Streams.WireRequests.ApiKey),
        new OpenAIClientOptions { Endpoint = new Uri(baseUrl, "openai/v1"), Transport = new HttpClientPipelineTransport(http) });

    public async Task<int> CountTextDeltasAsync()
    {
        var deltas = 0;
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 32000 };
        await foreach (var update in _client.CompleteChatStreamingAsync(Prompt, options))
        {
            var parts = update.ContentUpdate;
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].Text is { Length: > 0 })
                {
                    deltas++;
                }
            }
        }

        return deltas;
    }
}
