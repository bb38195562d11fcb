using System.Runtime.CompilerServices;
using System.Text.Json;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.OpenAI;

/// <summary>An <see cref="IChatClient"/> over OpenAI's Responses API (<c>POST /v1/responses</c>) for one auth.</summary>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly ProviderEndpoint _endpoint;
    private readonly ProviderConnection _connection;
    private readonly ILogger _logger;
    private readonly Uri _url;
    private string? _summary;

    public OpenAIChatClient(ProviderEndpoint endpoint, OpenAIOptions options)
    {
        _endpoint = endpoint;
        var connection = _connection = endpoint.Connection;
        _logger = connection.Runtime.LoggerFactory.CreateLogger<OpenAIChatClient>();
        _url = OpenAIEndpoints.Resolve(connection.BaseUrl, "responses");
        _summary = options.ReasoningSummary == "none" ? null : options.ReasoningSummary;
        Metadata = new ChatClientMetadata(connection.Auth.Provider, connection.BaseUrl);
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var model = ChatRequestValidator.Validate(history, options);
        using var response = await SendAsync(history, options!, model, stream: false, cancellationToken);
        var bytes = await _connection.ReadBodyAsync(response, model, cancellationToken);

        try
        {
            return OpenAIResponseReader.Read(bytes, _connection.Context(model));
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
        using var response = await SendAsync(history, options!, model, stream: true, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
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

    /// <summary>
    /// Sends the request. An organization that OpenAI has not verified may not receive reasoning summaries and gets a
    /// 400 for asking; the request is then sent once more without them (the answer is the same, only the summary is
    /// missing), and this client stops asking.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(IList<ChatMessage> history, ChatOptions options, string model, bool stream, CancellationToken cancellationToken)
    {
        var body = OpenAIRequestWriter.Write(history, options, stream, _logger, _summary);
        try
        {
            return await SendAsync(body, model, stream, cancellationToken);
        }
        catch (ProviderException ex) when (_summary is not null && IsSummaryRefused(ex))
        {
            _logger.LogWarning("OpenAI: {Auth} may not receive reasoning summaries ({Message}); asking without them.", _connection.AuthLabel, ex.ProviderMessage);
            _summary = null;
            body = OpenAIRequestWriter.Write(history, options, stream, _logger, _summary);
            return await SendAsync(body, model, stream, cancellationToken);
        }
    }

    private Task<HttpResponseMessage> SendAsync(byte[] body, string model, bool stream, CancellationToken cancellationToken) =>
        _endpoint.SendAsync(OpenAIRequests.Create(HttpMethod.Post, _url, body, stream), model, cancellationToken);

    private static bool IsSummaryRefused(ProviderException error) =>
        error.Kind == ProviderErrorKind.InvalidRequest &&
        error.ProviderMessage is { } message &&
        message.Contains("reasoning summar", StringComparison.OrdinalIgnoreCase) &&
        message.Contains("verif", StringComparison.OrdinalIgnoreCase);
}
