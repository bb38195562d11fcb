using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI.Responses;

// The Responses client is marked experimental in this SDK version; the benchmark uses it as OpenAI documents it.
#pragma warning disable OPENAI001

namespace Maestro.Bench.Clients;

/// <summary>The official OpenAI .NET SDK (2.15.0) streaming the same bytes: <c>ResponsesClient.CreateResponseStreamingAsync</c>.</summary>
public sealed class OpenAIResponsesSdk(HttpClient http, Uri baseUrl)
{
    private readonly ResponsesClient _client = new(
        new ApiKeyCredential(Streams.WireRequests.ApiKey),
        new ResponsesClientOptions { Endpoint = new Uri(baseUrl, "openai/v1"), Transport = new HttpClientPipelineTransport(http) });

    public async Task<int> CountTextDeltasAsync(string model)
    {
        var deltas = 0;
        await foreach (var update in await _client.CreateResponseStreamingAsync(model, "Hello", previousResponseId: null))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate { Delta.Length: > 0 })
            {
                deltas++;
            }
        }

        return deltas;
    }
}
