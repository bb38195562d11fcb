using System.Buffers;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Gateway.Outbound.ChatCompletions;
using Maestro.Gateway.Outbound.GenerateContent;
using Maestro.Gateway.Outbound.Messages;
using Maestro.Gateway.Outbound.Responses;

namespace Maestro.Gateway.Outbound;

/// <summary>The client format's error event, for a forwarded stream that broke off after it started.</summary>
internal static class InStreamError
{
    public static void Write(IBufferWriter<byte> output, WireApi api, ProviderException error)
    {
        var context = new AnswerContext(api, "", api, "", TimeProvider.System, false, false, default(JsonElement));
        using var writer = new SseWriter(output, crlf: api == WireApi.GenerateContent);
        ClientRenderer renderer = api switch
        {
            WireApi.Messages => new MessagesRenderer(context, writer, streaming: true),
            WireApi.Responses => new ResponsesRenderer(context, writer, streaming: true),
            WireApi.GenerateContent => new GenerateContentRenderer(context, writer, streaming: true, sse: true),
            _ => new ChatCompletionsRenderer(context, writer, streaming: true),
        };
        renderer.Fail(error);
    }
}
