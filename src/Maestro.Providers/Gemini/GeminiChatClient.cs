using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Gemini's generateContent / streamGenerateContent as an <see cref="IChatClient"/> bound to one auth. The request body
/// is validated and serialized once; each attempt of the retry pipeline sends the same bytes.
/// </summary>
public sealed class GeminiChatClient : IChatClient
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly ProviderEndpoint _endpoint;
    private readonly ProviderConnection _connection;
    private readonly GeminiErrorMapper _errors;
    private readonly ChatClientMetadata _metadata;

    public GeminiChatClient(ProviderEndpoint endpoint, GeminiErrorMapper errors)
    {
        _endpoint = endpoint;
        _connection = endpoint.Connection;
        _errors = errors;
        _metadata = new ChatClientMetadata(_connection.Auth.Provider, _connection.BaseUrl);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = GeminiRequestWriter.Build(messages, options);
        var model = request.Model.Id;
        using var response = await SendAsync(request, stream: false, cancellationToken);
        var body = await _connection.ReadBodyAsync(response, model, cancellationToken);
        return GeminiResponseReader.Read(body, model, _connection.Context(model), _errors);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = GeminiRequestWriter.Build(messages, options);
        var model = request.Model.Id;
        using var response = await SendAsync(request, stream: true, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new GeminiStreamReader(_connection, model, _errors);
        await foreach (var update in reader.ReadAsync(body, _connection, model, cancellationToken))
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
        // The HttpClient belongs to the factory; nothing to release.
    }

    private Task<HttpResponseMessage> SendAsync(GeminiRequest request, bool stream, CancellationToken cancellationToken)
    {
        var message = GeminiEndpoints.Create(HttpMethod.Post, GeminiEndpoints.Generate(_connection.BaseUrl, request.Model.Id, stream), stream);
        var content = new ReadOnlyMemoryContent(request.Body);
        content.Headers.ContentType = JsonType;
        message.Content = content;
        return _endpoint.SendAsync(message, request.Model.Id, cancellationToken);
    }
}
