using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>generateContent's JSON body → one ChatResponse, parsed by the same code as a streamed chunk.</summary>
internal static class GeminiResponseReader
{
    /// <exception cref="ProviderException">The body is an error, a blocked prompt, or not JSON.</exception>
    /// <param name="fallbackResponseId">The response id when the body has none (Code Assist's traceId).</param>
    public static ChatResponse Read(
        ReadOnlySpan<byte> body, string model, ProviderRequestContext context, IProviderErrorMapper errors, string? fallbackResponseId = null)
    {
        var parser = new GeminiResponseParser(model);
        parser.UseResponseIdIfMissing(fallbackResponseId);
        List<AIContent>? contents;
        try
        {
            contents = parser.Parse(body);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, context, null, $"the response was not valid JSON ({ex.Message})", inner: ex);
        }

        if (parser.HasError)
        {
            throw errors.Map(null, body, null, context);
        }

        if (parser.BlockReason is { } reason)
        {
            throw GeminiErrorMapper.Blocked(context, reason, parser.BlockReasonMessage);
        }

        var message = new ChatMessage(ChatRole.Assistant, contents ?? []) { MessageId = parser.ResponseId };
        return new ChatResponse(message)
        {
            ResponseId = parser.ResponseId,
            ModelId = parser.ModelId,
            FinishReason = parser.MapFinishReason(),
            Usage = parser.Usage(),
            AdditionalProperties = parser.FinishProperties(),
            RawRepresentation = new RawProviderEvent(null, body.ToArray()),
        };
    }
}
