using System.Runtime.CompilerServices;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>An <see cref="IChatClient"/> over an OpenAI-compatible Chat Completions endpoint for one auth.</summary>
public sealed class CompatibleChatClient : IChatClient
{
    private readonly ProviderEndpoint _endpoint;
    private readonly ProviderConnection _connection;
    private readonly CompatibleProviderSettings _settings;
    private readonly Uri _url;

    public CompatibleChatClient(ProviderEndpoint endpoint, CompatibleProviderSettings settings)
    {
        _endpoint = endpoint;
        var connection = _connection = endpoint.Connection;
        _settings = settings;
        _url = settings.Endpoint(connection.BaseUrl, settings.ChatPath);
        Metadata = new ChatClientMetadata(connection.Auth.Provider, connection.BaseUrl);
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var model = ChatRequestValidator.Validate(history, options);
        var body = ChatCompletionsRequestWriter.Write(history, options!, _settings, stream: false);
        using var response = await SendAsync(body, model, stream: false, cancellationToken);
        var bytes = await _connection.ReadBodyAsync(response, model, cancellationToken);

        try
        {
            return ChatCompletionsResponseReader.Read(bytes, _connection.Context(model));
        }
        catch (JsonException ex)
        {
            throw _connection.StreamFailure(model, new InvalidDataException($"the response was not valid JSON ({ex.Message})", ex));
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var model = ChatRequestValidator.Validate(history, options);
        var body = ChatCompletionsRequestWriter.Write(history, options!, _settings, stream: true);
        using var response = await SendAsync(body, model, stream: true, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new ChatCompletionsStreamReader(_connection, model);
        await foreach (var update in reader.ReadAsync(stream, _connection, model, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The HttpClient belongs to the factory.
    }

    private Task<HttpResponseMessage> SendAsync(byte[] body, string model, bool stream, CancellationToken cancellationToken) =>
        _endpoint.SendAsync(OpenAIRequests.Create(HttpMethod.Post, _url, body, stream), model, cancellationToken);
}
