using System.Runtime.CompilerServices;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// An <see cref="IChatClient"/> over the ChatGPT Codex backend (<c>POST {base}/responses</c>) for one ChatGPT login.
/// The request and the event stream are the Responses API's, written and read by the OpenAI adapter's own writer and
/// stream reader. The backend only streams, so a non-streaming call reads the stream to its end and aggregates it.
/// </summary>
public sealed class ChatGptChatClient : IChatClient
{
    private readonly ProviderEndpoint _endpoint;
    private readonly ProviderConnection _connection;
    private readonly OpenAIOptions _options;
    private readonly ILogger _logger;
    private readonly Uri _url;

    /// <param name="endpoint">The ChatGPT backend (<see cref="ChatGptBackend.Endpoint"/>).</param>
    public ChatGptChatClient(ProviderEndpoint endpoint, OpenAIOptions options)
    {
        _endpoint = endpoint;
        var connection = _connection = endpoint.Connection;
        _options = options;
        _logger = connection.Runtime.LoggerFactory.CreateLogger<ChatGptChatClient>();
        _url = ChatGptBackend.Resolve(connection.BaseUrl, "responses");
        Metadata = new ChatClientMetadata(connection.Auth.Provider, connection.BaseUrl);
    }

    public ChatClientMetadata Metadata { get; }

    /// <exception cref="ProviderException">Any error, including one reported inside the stream.</exception>
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            foreach (var content in update.Contents)
            {
                if (content is ErrorContent { RawRepresentation: ProviderException error })
                {
                    throw error;
                }
            }

            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var model = ChatRequestValidator.Validate(history, options);
        ChatGptRequests.AccountId(_connection);
        var summary = _options.ReasoningSummary == "none" ? null : _options.ReasoningSummary;
        var body = ChatGptRequestBody.Write(history, options!, _logger, summary);

        using var response = await _endpoint.SendAsync(ChatGptRequests.Create(HttpMethod.Post, _url, body, stream: true), model, cancellationToken);
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
}
