using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>
/// streamGenerateContent?alt=sse → normalized updates. Every SSE event is one whole GenerateContentResponse; the
/// completion signal is a candidate with a <c>finishReason</c> (a stream that ends without one is a transport error).
/// The usage Gemini repeats on every chunk is emitted once, after the body ends, with the finish reason.
/// </summary>
/// <remarks>Code Assist streams the same chunks inside an envelope; its reader overrides <see cref="Payload"/>.</remarks>
internal class GeminiStreamReader(ProviderConnection connection, string model, IProviderErrorMapper errors) : SseChatStream
{
    private const string DataEvent = "message";

    private readonly GeminiResponseParser _parser = new(model, connection.Runtime.Diagnostics, connection.Auth.Provider);
    private RawProviderEvent? _last;

    private ProviderRequestContext Context => new(connection.Auth.Provider, connection.AuthLabel, model, connection.BaseUrl);

    /// <summary>The parser shared by every chunk of this stream (a subclass may give it a fallback response id).</summary>
    private protected GeminiResponseParser Parser => _parser;

    /// <summary>The GenerateContentResponse inside one SSE data line: the whole line for the Gemini API.</summary>
    private protected virtual ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> data) => data;

    protected override ChatResponseUpdate? OnEvent(string eventType, ReadOnlySpan<byte> data)
    {
        if (eventType != DataEvent)
        {
            connection.Runtime.Diagnostics.UnknownEvent(connection.Auth.Provider, eventType, data);
            return null;
        }

        var payload = Payload(data);
        var contents = _parser.Parse(payload);
        if (_parser.HasError)
        {
            StreamError = errors.Map(null, payload, null, Context);
            return null;
        }

        if (_parser.BlockReason is { } reason)
        {
            StreamError = GeminiErrorMapper.Blocked(Context, reason, _parser.BlockReasonMessage);
            return null;
        }

        if (_parser.LastWasUnknown)
        {
            connection.Runtime.Diagnostics.UnknownEvent(connection.Auth.Provider, eventType, data);
        }

        Completed |= _parser.Finished;
        var raw = Raw(eventType, data);
        _last = raw;
        return contents is null ? null : _parser.Update(contents, raw);
    }

    protected override ChatResponseUpdate? OnCompleted() => _parser.FinalUpdate(_last);
}
