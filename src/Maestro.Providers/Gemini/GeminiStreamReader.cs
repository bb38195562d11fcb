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
internal sealed class GeminiStreamReader(ProviderConnection connection, string model, IProviderErrorMapper errors) : SseChatStream
{
    private const string DataEvent = "message";

    private readonly GeminiResponseParser _parser = new(model, connection.Runtime.Diagnostics, connection.Auth.Provider);
    private RawProviderEvent? _last;

    private ProviderRequestContext Context => new(connection.Auth.Provider, connection.AuthLabel, model, connection.BaseUrl);

    protected override ChatResponseUpdate? OnEvent(string eventType, ReadOnlySpan<byte> data)
    {
        if (eventType != DataEvent)
        {
            connection.Runtime.Diagnostics.UnknownEvent(connection.Auth.Provider, eventType, data);
            return null;
        }

        var contents = _parser.Parse(data);
        if (_parser.HasError)
        {
            StreamError = errors.Map(null, data, null, Context);
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
        var raw = new RawProviderEvent(eventType, data.ToArray());
        _last = raw;
        return contents is null ? null : _parser.Update(contents, raw);
    }

    protected override ChatResponseUpdate? OnCompleted() => _parser.FinalUpdate(_last);
}
