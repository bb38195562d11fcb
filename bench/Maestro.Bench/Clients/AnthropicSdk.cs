using Anthropic;
using Anthropic.Models.Messages;

namespace Maestro.Bench.Clients;

/// <summary>The official Anthropic .NET SDK (13.11.0) streaming the same bytes: <c>Messages.CreateStreaming</c>.</summary>
public sealed class AnthropicSdk(HttpClient http, Uri baseUrl) : IDisposable
{
    private readonly AnthropicClient _client = new()
    {
        ApiKey = Streams.WireRequests.ApiKey,
        BaseUrl = new Uri(baseUrl, "anthropic").ToString(),
        HttpClient = http,
    };

    public async Task<int> CountTextDeltasAsync(string model)
    {
        var parameters = new MessageCreateParams
        {
            Model = model,
            MaxTokens = 32000,
            Messages = [new UserMessageParam("Hello")],
        };
        var deltas = 0;
        await foreach (var streamEvent in _client.Messages.CreateStreaming(parameters))
        {
            if (streamEvent.TryPickContentBlockDelta(out var blockDelta) && blockDelta.Delta.TryPickText(out var text) && text.Text.Length > 0)
            {
                deltas++;
            }
        }

        return deltas;
    }

    public void Dispose() => _client.Dispose();
}
