using System.Runtime.CompilerServices;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>The Messages API as an <see cref="IChatClient"/> for one auth.</summary>
public sealed class AnthropicChatClient : IChatClient
{
    private const string MessagesPath = "/v1/messages";

    private readonly ProviderConnection _connection;
    private readonly AnthropicOptions _options;
    private readonly ChatClientMetadata _metadata;

    public AnthropicChatClient(ProviderConnection connection, AnthropicOptions options)
    {
        _connection = connection;
        _options = options;
        _metadata = new ChatClientMetadata(AnthropicProvider.Id, connection.BaseUrl);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = AnthropicRequestWriter.Write(messages, options, stream: false);
        using var response = await SendAsync(request, stream: false, cancellationToken);
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw ProviderHttp.StreamFailure(_connection, request.Model, ex);
        }

        return AnthropicResponseReader.Read(body, Context(request.Model));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = AnthropicRequestWriter.Write(messages, options, stream: true);
        using var response = await SendAsync(request, stream: true, cancellationToken);
        await using var body = await ProviderHttp.ReadStreamAsync(_connection, response, cancellationToken);
        var reader = new AnthropicStreamReader(Context(request.Model), _connection.Runtime.Diagnostics);
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
        ProviderHttp.SendAsync(
            _connection,
            credentials => AnthropicHttpRequests.Post(_connection, _options, credentials, MessagesPath, request.Body, stream),
            AnthropicErrorMapper.Instance,
            request.Model,
            cancellationToken);

    private ProviderRequestContext Context(string model) =>
        new(_connection.Auth.Provider, _connection.AuthLabel, model, _connection.BaseUrl);
}
