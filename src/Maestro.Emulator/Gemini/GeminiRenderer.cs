using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Gemini;

/// <summary>
/// generateContent answers. A stream is a series of GenerateContentResponse chunks: one per thought token
/// (<c>"thought": true</c> parts), one per text token, one holding every function call (parallel calls are several
/// parts of one chunk; a thinking model signs the first with <c>thoughtSignature</c>). The last chunk carries
/// <c>finishReason</c> (STOP even after function calls). Every chunk has the cumulative <c>usageMetadata</c>,
/// <c>modelVersion</c> and <c>responseId</c>.
/// </summary>
internal sealed class GeminiRenderer : IWireRenderer
{
    public SseFraming Framing(HttpRequest request) =>
        request.Query["alt"].ToString() == "sse" ? SseFraming.DataCrlf : SseFraming.JsonArray;

    public IEnumerable<WireEvent> Stream(AnswerPlan plan, RenderInput input)
    {
        using var json = new WireJson();
        var responseId = WireIds.Base62Id("", 23);
        var total = plan.ReasoningTokens.Count + plan.TextTokens.Count + (plan.ToolCalls.Count > 0 ? 1 : 0);
        var produced = 0;
        var visible = 0;
        var thoughts = 0;

        WireEvent Chunk(Action<Utf8JsonWriter> parts, int tokens)
        {
            var last = ++produced >= total;
            var usage = last
                ? plan.Usage
                : plan.Usage with
                {
                    OutputTokens = Math.Min(visible, plan.Usage.VisibleOutputTokens) + Math.Min(thoughts, plan.Usage.ReasoningTokens),
                    ReasoningTokens = Math.Min(thoughts, plan.Usage.ReasoningTokens),
                };
            var bytes = json.Build(w => WriteResponse(w, parts, last ? FinishReason(plan) : null, usage, input.WireModel, responseId));
            return new WireEvent(null, GoogleJsonSpacing.Apply(bytes), tokens, Completes: last);
        }

        if (total == 0)
        {
            total = 1;
            yield return Chunk(w => WriteTextPart(w, "", thought: false, signature: null), 0);
            yield break;
        }

        foreach (var token in plan.ReasoningTokens)
        {
            thoughts++;
            yield return Chunk(w => WriteTextPart(w, token, thought: true, signature: null), 1);
        }

        for (var i = 0; i < plan.TextTokens.Count; i++)
        {
            var token = plan.TextTokens[i];
            var signature = i == 0 && plan.HasReasoning ? TextSignature(plan) : null;
            visible++;
            yield return Chunk(w => WriteTextPart(w, token, thought: false, signature), 1);
        }

        if (plan.ToolCalls.Count > 0)
        {
            visible = plan.Usage.VisibleOutputTokens;
            yield return Chunk(w => WriteCallParts(w, plan, input), plan.ToolCalls.Count);
        }
    }

    public byte[] Complete(AnswerPlan plan, RenderInput input) => WireJson.Once(
        w => WriteResponse(
            w,
            parts =>
            {
                if (plan.HasReasoning)
                {
                    WriteTextPart(parts, plan.ReasoningText, thought: true, signature: null);
                }

                if (plan.TextTokens.Count > 0 || plan.ToolCalls.Count == 0)
                {
                    WriteTextPart(parts, plan.Text, thought: false, plan.HasReasoning ? TextSignature(plan) : null);
                }

                WriteCallParts(parts, plan, input);
            },
            FinishReason(plan),
            plan.Usage,
            input.WireModel,
            WireIds.Base62Id("", 23)),
        indented: true);

    private static string FinishReason(AnswerPlan plan) => plan.Finish switch
    {
        AnswerFinish.Length => "MAX_TOKENS",
        AnswerFinish.ContentFilter => "SAFETY",
        _ => "STOP",
    };

    private static string TextSignature(AnswerPlan plan) => WireIds.Opaque("gemini-thought-signature", plan.ReasoningText);

    private static void WriteResponse(Utf8JsonWriter w, Action<Utf8JsonWriter> parts, string? finishReason, AnswerUsage usage, string model, string responseId)
    {
        w.WriteStartObject();
        w.WriteStartArray("candidates");
        w.WriteStartObject();
        w.WriteStartObject("content");
        w.WriteStartArray("parts");
        parts(w);
        w.WriteEndArray();
        w.WriteString("role", "model");
        w.WriteEndObject();
        if (finishReason is not null)
        {
            w.WriteString("finishReason", finishReason);
        }

        w.WriteNumber("index", 0);
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("usageMetadata");
        w.WriteNumber("promptTokenCount", usage.InputTokens);
        if (usage.CachedTokens > 0)
        {
            w.WriteNumber("cachedContentTokenCount", usage.CachedTokens);
        }

        if (usage.VisibleOutputTokens > 0)
        {
            w.WriteNumber("candidatesTokenCount", usage.VisibleOutputTokens);
        }

        w.WriteNumber("totalTokenCount", usage.InputTokens + usage.OutputTokens);
        w.WriteStartArray("promptTokensDetails");
        w.WriteStartObject();
        w.WriteString("modality", "TEXT");
        w.WriteNumber("tokenCount", usage.InputTokens);
        w.WriteEndObject();
        w.WriteEndArray();
        if (usage.ReasoningTokens > 0)
        {
            w.WriteNumber("thoughtsTokenCount", usage.ReasoningTokens);
        }

        w.WriteEndObject();
        w.WriteString("modelVersion", model);
        w.WriteString("responseId", responseId);
        w.WriteEndObject();
    }

    private static void WriteTextPart(Utf8JsonWriter w, string text, bool thought, string? signature)
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        if (thought)
        {
            w.WriteBoolean("thought", true);
        }

        if (signature is not null)
        {
            w.WriteString("thoughtSignature", signature);
        }

        w.WriteEndObject();
    }

    /// <summary>Gemini has no call ids on the wire; a thinking model signs the first call of a turn.</summary>
    private static void WriteCallParts(Utf8JsonWriter w, AnswerPlan plan, RenderInput input)
    {
        for (var i = 0; i < plan.ToolCalls.Count; i++)
        {
            var call = plan.ToolCalls[i];
            w.WriteStartObject();
            w.WriteStartObject("functionCall");
            w.WriteString("name", call.Name);
            w.WritePropertyName("args");
            w.WriteRawValue(call.ArgumentsJson);
            w.WriteEndObject();
            if (i == 0 && input.Thinks)
            {
                w.WriteString("thoughtSignature", WireIds.Opaque("gemini-call-signature", call.Name + call.ArgumentsJson));
            }

            w.WriteEndObject();
        }
    }
}
