using System.Runtime.CompilerServices;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.OpenAI;

/// <summary>An <see cref="IChatClient"/> over OpenAI's Responses API (<c>POST /v1/responses</c>) for one auth.</summary>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly ProviderConnection _connection;
    private readonly OpenAIOptions _options;
    private readonly ILogger _logger;
    private readonly Uri _url;

    public OpenAIChatClient(ProviderConnection connection, OpenAIOptions options)
    {
        _connection = connection;
        _options = options;
        _logger = connection.Runtime.LoggerFactory.CreateLogger<OpenAIChatClient>();
        _url = OpenAIEndpoints.Resolve(connection.BaseUrl, "responses");
        Metadata = new ChatClientMetadata(connection.Auth.Provider, connection.BaseUrl);
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var model = ChatRequestValidator.Validate(history, options);
        var body = OpenAIRequestWriter.Write(history, options!, stream: false, _logger);
        using var response = await SendAsync(body, model, stream: false, cancellationToken);
        byte[] bytes;
        try
        {
            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw ProviderHttp.StreamFailure(_connection, model, ex);
        }

        try
        {
            return OpenAIResponseReader.Read(bytes, Context(model));
        }
        catch (JsonException ex)
        {
            throw ProviderHttp.StreamFailure(_connection, model, new InvalidDataException($"the response was not valid JSON ({ex.Message})", ex));
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var model = ChatRequestValidator.Validate(history, options);
        var body = OpenAIRequestWriter.Write(history, options!, stream: true, _logger);
        using var response = await SendAsync(body, model, stream: true, cancellationToken);
        await using var stream = await ProviderHttp.ReadStreamAsync(_connection, response, cancellationToken);
        var reader = new OpenAIStreamReader(_connection, model);
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
        ProviderHttp.SendAsync(
            _connection,
            credentials => OpenAIRequests.Create(_connection, _options, credentials, HttpMethod.Post, _url, body, stream),
            OpenAIErrorMapper.Instance,
            model,
            cancellationToken);

    private ProviderRequestContext Context(string model) =>
        new(_connection.Auth.Provider, _connection.AuthLabel, model, _connection.BaseUrl);
}
