using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// <c>:streamGenerateContent?alt=sse</c> of Code Assist: the Gemini stream reader, fed the <c>response</c> inside each
/// chunk's envelope. The first chunk's <c>traceId</c> stands in for the response id Code Assist leaves out.
/// </summary>
internal sealed class CodeAssistStreamReader(ProviderConnection connection, string model, IProviderErrorMapper errors)
    : GeminiStreamReader(connection, model, errors)
{
    private bool _sawTraceId;

    private protected override ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> data)
    {
        var payload = CodeAssistEnvelope.Unwrap(data, readTraceId: !_sawTraceId, out var traceId);
        if (traceId is not null)
        {
            _sawTraceId = true;
            Parser.UseResponseIdIfMissing(traceId);
        }

        return payload;
    }
}
