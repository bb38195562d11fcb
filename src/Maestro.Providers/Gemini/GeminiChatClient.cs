using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Gemini's generateContent / streamGenerateContent as an <see cref="IChatClient"/> bound to one auth. The request body
/// is validated and serialized once; each attempt of the retry pipeline sends the same bytes.
/// </summary>
public sealed class GeminiChatClient : IChatClient
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly ProviderConnection _connection;
    private readonly GeminiOptions _options;
    private readonly GeminiErrorMapper _errors;
    private readonly ChatClientMetadata _metadata;

    public GeminiChatClient(ProviderConnection connection, GeminiOptions options, GeminiErrorMapper errors)
    {
        _connection = connection;
        _options = options;
        _errors = errors;
        _metadata = new ChatClientMetadata(connection.Auth.Provider, connection.BaseUrl);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = GeminiRequestWriter.Build(messages, options);
        var model = request.Model.Id;
        using var response = await SendAsync(request, stream: false, cancellationToken);
        byte[] body;
        try
        {
            await using var stream = await ProviderHttp.ReadStreamAsync(_connection, response, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or HttpRequestException ||
                                   (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw ProviderHttp.StreamFailure(_connection, model, ex);
        }

        return GeminiResponseReader.Read(body, model, Context(model), _errors);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = GeminiRequestWriter.Build(messages, options);
        var model = request.Model.Id;
        using var response = await SendAsync(request, stream: true, cancellationToken);
        await using var body = await ProviderHttp.ReadStreamAsync(_connection, response, cancellationToken);
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
        var url = GeminiEndpoints.Generate(_connection.BaseUrl, request.Model.Id, stream);
        return ProviderHttp.SendAsync(
            _connection,
            credentials => CreateRequest(url, credentials, request.Body, stream),
            _errors,
            request.Model.Id,
            cancellationToken);
    }

    private HttpRequestMessage CreateRequest(Uri url, AuthCredentials credentials, ReadOnlyMemory<byte> body, bool stream)
    {
        var message = GeminiEndpoints.Create(HttpMethod.Post, url, _connection, credentials, _options, stream);
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonType;
        message.Content = content;
        return message;
    }

    private ProviderRequestContext Context(string model) =>
        new(_connection.Auth.Provider, _connection.AuthLabel, model, _connection.BaseUrl);
}
