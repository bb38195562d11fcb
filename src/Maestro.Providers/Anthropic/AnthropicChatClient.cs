using System.Runtime.CompilerServices;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>The Messages API as an <see cref="IChatClient"/> for one auth.</summary>
public sealed class AnthropicChatClient : IChatClient
{
    private const string MessagesPath = "/v1/messages";

    private readonly ProviderEndpoint _endpoint;
    private readonly ProviderConnection _connection;
    private readonly AnthropicOptions _options;
    private readonly ChatClientMetadata _metadata;

    public AnthropicChatClient(ProviderEndpoint endpoint, AnthropicOptions options)
    {
        _endpoint = endpoint;
        _connection = endpoint.Connection;
        _options = options;
        _metadata = new ChatClientMetadata(AnthropicProvider.Id, _connection.BaseUrl);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = AnthropicRequestWriter.Write(messages, options, stream: false);
        using var response = await SendAsync(request, stream: false, cancellationToken);
        var body = await _connection.ReadBodyAsync(response, request.Model, cancellationToken);
        return AnthropicResponseReader.Read(body, _connection.Context(request.Model));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = AnthropicRequestWriter.Write(messages, options, stream: true);
        using var response = await SendAsync(request, stream: true, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new AnthropicStreamReader(_connection.Context(request.Model), _connection.Runtime.Diagnostics);
        await foreach (var update in reader.ReadAsync(body, _connection, request.Model, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The HttpClient belongs to the factory.
    }

    private Task<HttpResponseMessage> SendAsync(AnthropicRequest request, bool stream, CancellationToken cancellationToken) =>
        _endpoint.SendAsync(AnthropicHttpRequests.Post(_connection.BaseUrl, _options, MessagesPath, request.Body, stream), request.Model, cancellationToken);
}
