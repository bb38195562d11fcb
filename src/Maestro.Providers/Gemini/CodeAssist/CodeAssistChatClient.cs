using System.Runtime.CompilerServices;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// Gemini through Code Assist (<c>POST /v1internal:generateContent</c> and <c>:streamGenerateContent?alt=sse</c>) for one
/// Code Assist login. The request is the Gemini writer's GenerateContentRequest inside Code Assist's envelope; answers
/// are unwrapped and read by the Gemini parser, so everything the Gemini adapter maps (tools, thoughts, signatures,
/// usage, finish reasons, errors) maps the same here. The login's project is found at first use.
/// </summary>
public sealed class CodeAssistChatClient : IChatClient
{
    private readonly ProviderEndpoint _endpoint;
    private readonly ProviderConnection _connection;
    private readonly CodeAssistSetup _setup;
    private readonly GeminiErrorMapper _errors;
    private readonly ChatClientMetadata _metadata;
    private string? _project;

    /// <param name="endpoint">The Code Assist server (<see cref="CodeAssistMode.Endpoint"/>).</param>
    public CodeAssistChatClient(ProviderEndpoint endpoint, CodeAssistSetup setup, GeminiErrorMapper errors)
    {
        _endpoint = endpoint;
        var connection = _connection = endpoint.Connection;
        _setup = setup;
        _errors = errors;
        _metadata = new ChatClientMetadata(connection.Auth.Provider, connection.BaseUrl);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = GeminiRequestWriter.Build(messages, options);
        var model = request.Model.Id;
        var body = CodeAssistEnvelope.Wrap(model, await ProjectAsync(cancellationToken), request.Body);
        var answer = await CodeAssistRequests.SendAsync(
            _endpoint, HttpMethod.Post, CodeAssistMode.Method(_connection.BaseUrl, "generateContent"), body, model, cancellationToken);

        ReadOnlySpan<byte> payload;
        string? traceId;
        try
        {
            payload = CodeAssistEnvelope.Unwrap(answer, readTraceId: true, out traceId);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, _connection.Context(model), null, $"the response was not valid JSON ({ex.Message})", inner: ex);
        }

        return GeminiResponseReader.Read(payload, model, _connection.Context(model), _errors, traceId);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = GeminiRequestWriter.Build(messages, options);
        var model = request.Model.Id;
        var body = CodeAssistEnvelope.Wrap(model, await ProjectAsync(cancellationToken), request.Body);
        var url = CodeAssistMode.Method(_connection.BaseUrl, "streamGenerateContent?alt=sse");
        using var response = await _endpoint.SendAsync(CodeAssistRequests.Create(HttpMethod.Post, url, body, stream: true), model, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new CodeAssistStreamReader(_connection, model, _errors);
        await foreach (var update in reader.ReadAsync(stream, _connection, model, cancellationToken))
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

    private async ValueTask<string> ProjectAsync(CancellationToken cancellationToken) =>
        _project ??= await _setup.EnsureProjectAsync(_connection, cancellationToken);
}
