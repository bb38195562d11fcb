using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Wire;
using Maestro.Wire.Gemini;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Outbound.GenerateContent;

/// <summary>
/// generateContent answers. Streamed as Gemini does, one GenerateContentResponse per chunk: text parts, thought parts
/// (<c>"thought": true</c>), a signature as <c>thoughtSignature</c> (another provider's wrapped), function calls
/// (with an <c>id</c>, so a client can pair the response); the last chunk carries <c>finishReason</c> and
/// <c>usageMetadata</c>. With <c>alt=sse</c> each chunk is an SSE data line (CRLF-framed, as Google does); without it,
/// the chunks form one JSON array. Whole: one GenerateContentResponse.
/// </summary>
internal sealed class GenerateContentRenderer(AnswerContext context, SseWriter output, bool streaming, bool sse) : ClientRenderer(context, output, streaming)
{
    private readonly string _responseId = WireIds.Base62Id("", 23);
    private int _chunks;

    public override string ContentType => Streaming && sse ? "text/event-stream" : "application/json; charset=UTF-8";

    protected override void OnTextDelta(TextPart part, string delta)
    {
        if (Streaming)
        {
            Chunk(static (w, d) => WritePart(w, d, thought: false, null), delta);
        }
    }

    protected override void OnReasoningDelta(ReasoningPart part, string delta)
    {
        if (Streaming)
        {
            Chunk(static (w, d) => WritePart(w, d, thought: true, null), delta);
        }
    }

    protected override void OnClose(AnswerPart part)
    {
        if (Streaming && part is ReasoningPart { Data: { } data, Redacted: false } reasoning)
        {
            Chunk(static (w, signature) => WritePart(w, "", thought: false, signature), Context.Signature(data, reasoning.ItemId));
        }
    }

    protected override void OnToolCall(CallPart part)
    {
        if (Streaming)
        {
            Chunk((w, p) => WriteCall(w, p), part);
        }
    }

    protected override void OnComplete()
    {
        if (Streaming)
        {
            Chunk(static (w, _) => WritePart(w, "", thought: false, null), 0, final: true);
            if (!sse)
            {
                Output.Raw("]"u8);
            }

            return;
        }

        var w = Output.BeginJson();
        WriteResponse(w, static (w, self) =>
        {
            foreach (var part in self.Answer.Parts)
            {
                switch (part)
                {
                    case TextPart text:
                        WritePart(w, text.Text.ToString(), thought: false, null);
                        break;
                    case ReasoningPart { Redacted: false } reasoning:
                        if (reasoning.Text.Length > 0)
                        {
                            WritePart(w, reasoning.Text.ToString(), thought: true, null);
                        }

                        if (reasoning.Data is { } data)
                        {
                            WritePart(w, "", thought: false, self.Context.Signature(data, reasoning.ItemId));
                        }

                        break;
                    case CallPart call:
                        self.WriteCall(w, call);
                        break;
                }
            }
        }, this, final: true);
        Output.EndJson();
    }

    /// <summary>Google's error object as one more chunk: what its streaming endpoints send when they fail mid-answer.</summary>
    public override void Fail(ProviderException error)
    {
        var gateway = GatewayError.From(error);
        var w = Begin();
        GoogleErrorBody.WriteDocument(w, gateway.Status, gateway.Class switch
        {
            ErrorClass.RateLimit or ErrorClass.Quota => "RESOURCE_EXHAUSTED",
            ErrorClass.Overloaded => "UNAVAILABLE",
            ErrorClass.InvalidRequest => "INVALID_ARGUMENT",
            _ => "INTERNAL",
        }, gateway.Message, null);
        End();
        if (!sse)
        {
            Output.Raw("]"u8);
        }
    }

    public static string FinishName(ChatFinishReason reason) =>
        reason == ChatFinishReason.Length ? "MAX_TOKENS" : reason == ChatFinishReason.ContentFilter ? "SAFETY" : "STOP";

    public static void WriteUsage(Utf8JsonWriter w, UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var thoughts = usage?.ReasoningTokenCount ?? 0;
        w.WriteStartObject("usageMetadata");
        w.WriteNumber("promptTokenCount", input);
        w.WriteNumber("candidatesTokenCount", Math.Max(0, output - thoughts));
        w.WriteNumber("totalTokenCount", usage?.TotalTokenCount ?? input + output);
        if (usage?.CachedInputTokenCount is > 0 and var cached)
        {
            w.WriteNumber("cachedContentTokenCount", cached);
        }

        if (thoughts > 0)
        {
            w.WriteNumber("thoughtsTokenCount", thoughts);
        }

        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, string text, bool thought, string? signature)
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

    private void WriteCall(Utf8JsonWriter w, CallPart part)
    {
        w.WriteStartObject();
        w.WriteStartObject("functionCall");
        w.WriteString("id", part.Call.CallId);
        w.WriteString("name", part.Call.Name);
        w.WritePropertyName("args");
        w.WriteRawValue(part.ArgumentsJson, skipInputValidation: true);
        w.WriteEndObject();
        if (part.Signature is { } signature)
        {
            w.WriteString("thoughtSignature", Context.Signature(signature));
        }

        w.WriteEndObject();
    }

    private void Chunk<TState>(Action<Utf8JsonWriter, TState> parts, TState state, bool final = false)
    {
        var w = Begin();
        WriteResponse(w, parts, state, final);
        End();
    }

    private void WriteResponse<TState>(Utf8JsonWriter w, Action<Utf8JsonWriter, TState> parts, TState state, bool final)
    {
        w.WriteStartObject();
        w.WriteStartArray("candidates");
        w.WriteStartObject();
        w.WriteStartObject("content");
        w.WriteStartArray("parts");
        parts(w, state);
        w.WriteEndArray();
        w.WriteString("role", "model");
        w.WriteEndObject();
        if (final)
        {
            w.WriteString("finishReason", FinishName(FinishReason));
        }

        w.WriteNumber("index", 0);
        w.WriteEndObject();
        w.WriteEndArray();
        if (final)
        {
            WriteUsage(w, Answer.Usage);
        }

        w.WriteString("modelVersion", Model);
        w.WriteString("responseId", _responseId);
        w.WriteEndObject();
    }

    private Utf8JsonWriter Begin()
    {
        if (sse)
        {
            return Output.Begin(null);
        }

        Output.Raw(_chunks++ == 0 ? "["u8 : ",\r\n"u8);
        return Output.BeginJson();
    }

    private void End()
    {
        if (sse)
        {
            Output.End();
        }
        else
        {
            Output.EndJson();
        }
    }
}
