using System.Text.Json;
using Maestro.Emulator.Gemini;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.CodeAssist;

/// <summary>
/// Code Assist answers: the Gemini renderer's GenerateContentResponses, each inside <c>{"response": …, "traceId": …}</c>
/// (gemini-cli's <c>CaGenerateContentResponse</c>). The inner response carries no <c>responseId</c>: gemini-cli takes the
/// response id from <c>traceId</c>, so clients must too.
/// </summary>
internal sealed class CodeAssistRenderer : IWireRenderer
{
    private readonly GeminiRenderer _gemini = new();

    public SseFraming Framing(HttpRequest request) => _gemini.Framing(request);

    public IEnumerable<WireEvent> Stream(AnswerPlan plan, RenderInput input)
    {
        var traceId = WireIds.HexId("", 16);
        foreach (var chunk in _gemini.Stream(plan, input))
        {
            yield return chunk with { Data = GoogleJsonSpacing.Apply(Wrap(chunk.Data, traceId, indented: false)) };
        }
    }

    public byte[] Complete(AnswerPlan plan, RenderInput input) =>
        Wrap(_gemini.Complete(plan, input), WireIds.HexId("", 16), indented: true);

    private static byte[] Wrap(ReadOnlyMemory<byte> response, string traceId, bool indented)
    {
        using var document = JsonDocument.Parse(response);
        return WireJson.Once(
            w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("response");
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name != "responseId")
                    {
                        property.WriteTo(w);
                    }
                }

                w.WriteEndObject();
                w.WriteString("traceId", traceId);
                w.WriteEndObject();
            },
            indented);
    }
}
