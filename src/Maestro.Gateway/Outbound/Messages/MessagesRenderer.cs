using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Wire;
using Maestro.Wire.Anthropic;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Outbound.Messages;

/// <summary>
/// Messages API answers. Streamed as Anthropic does: <c>message_start</c>; per block <c>content_block_start</c>, deltas
/// (<c>text_delta</c>, <c>thinking_delta</c> then <c>signature_delta</c>, <c>input_json_delta</c>),
/// <c>content_block_stop</c>; <c>message_delta</c> with the stop reason and the usage; <c>message_stop</c>. A thinking
/// block's signature is another provider's wrapped (see <see cref="Translation.ReasoningOrigin"/>). Whole: one message.
/// </summary>
internal sealed class MessagesRenderer(AnswerContext context, SseWriter output, bool streaming) : ClientRenderer(context, output, streaming)
{
    private readonly string _id = WireIds.Base62Id("msg_01", 22);
    private int _index = -1;

    public override string ContentType => Streaming ? "text/event-stream; charset=utf-8" : "application/json";

    public override void Start()
    {
        if (!Streaming)
        {
            return;
        }

        Event("message_start", w =>
        {
            w.WritePropertyName("message");
            w.WriteStartObject();
            WriteHead(w);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            w.WritePropertyName("usage");
            WriteUsage(w, null);
            w.WriteEndObject();
        });
    }

    protected override void OnOpen(AnswerPart part)
    {
        if (!Streaming)
        {
            return;
        }

        var index = ++_index;
        Event("content_block_start", w =>
        {
            w.WriteNumber("index", index);
            w.WritePropertyName("content_block");
            switch (part)
            {
                case ReasoningPart { Redacted: true } redacted:
                    AnthropicBlocks.RedactedThinking(w, Context.Signature(redacted.Data!));
                    break;
                case ReasoningPart:
                    AnthropicBlocks.Thinking(w, "", "");
                    break;
                default:
                    AnthropicBlocks.Text(w, "");
                    break;
            }
        });
    }

    protected override void OnTextDelta(TextPart part, string delta)
    {
        if (Streaming)
        {
            Delta(static (w, d) =>
            {
                w.WriteString("type", "text_delta");
                w.WriteString("text", d);
            }, delta);
        }
    }

    protected override void OnReasoningDelta(ReasoningPart part, string delta)
    {
        if (Streaming)
        {
            Delta(static (w, d) =>
            {
                w.WriteString("type", "thinking_delta");
                w.WriteString("thinking", d);
            }, delta);
        }
    }

    protected override void OnClose(AnswerPart part)
    {
        if (!Streaming)
        {
            return;
        }

        if (part is ReasoningPart { Redacted: false, Data: { } data } reasoning)
        {
            Delta(static (w, signature) =>
            {
                w.WriteString("type", "signature_delta");
                w.WriteString("signature", signature);
            }, Context.Signature(data, reasoning.ItemId));
        }

        Stop();
    }

    protected override void OnToolCall(CallPart part)
    {
        if (!Streaming)
        {
            return;
        }

        var index = ++_index;
        Event("content_block_start", w =>
        {
            w.WriteNumber("index", index);
            w.WritePropertyName("content_block");
            AnthropicBlocks.ToolUse(w, part.Call.CallId, part.Call.Name, "{}");
        });
        Delta(static (w, json) =>
        {
            w.WriteString("type", "input_json_delta");
            w.WriteString("partial_json", json);
        }, part.ArgumentsJson);
        Stop();
    }

    protected override void OnComplete()
    {
        if (!Streaming)
        {
            WriteBody();
            return;
        }

        Event("message_delta", w =>
        {
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", StopReason());
            WriteStopSequence(w);
            w.WriteEndObject();
            w.WritePropertyName("usage");
            WriteUsage(w, Answer.Usage);
        });
        Event("message_stop", static _ => { });
    }

    /// <summary>Anthropic's in-stream error event.</summary>
    public override void Fail(ProviderException error)
    {
        var gateway = GatewayError.From(error);
        Event("error", w =>
        {
            w.WriteStartObject("error");
            w.WriteString("type", gateway.Class switch
            {
                ErrorClass.Overloaded => "overloaded_error",
                ErrorClass.RateLimit or ErrorClass.Quota => "rate_limit_error",
                ErrorClass.InvalidRequest => "invalid_request_error",
                _ => "api_error",
            });
            w.WriteString("message", gateway.Message);
            w.WriteEndObject();
        });
    }

    /// <summary>Anthropic's input_tokens leave out cache reads, which are reported beside them.</summary>
    public static void WriteUsage(Utf8JsonWriter w, UsageDetails? usage)
    {
        var cached = usage?.CachedInputTokenCount ?? 0;
        var created = usage?.AdditionalCounts?.TryGetValue("cache_creation_input_tokens", out var c) == true ? c : 0;
        w.WriteStartObject();
        w.WriteNumber("input_tokens", Math.Max(0, (usage?.InputTokenCount ?? 0) - cached - created));
        w.WriteNumber("cache_creation_input_tokens", created);
        w.WriteNumber("cache_read_input_tokens", cached);
        w.WriteNumber("output_tokens", usage?.OutputTokenCount ?? 0);
        w.WriteEndObject();
    }

    private string StopReason()
    {
        var reason = FinishReason;
        return reason == ChatFinishReason.Length ? "max_tokens"
            : reason == ChatFinishReason.ToolCalls ? "tool_use"
            : reason == ChatFinishReason.ContentFilter ? "refusal"
            : Answer.StopSequence is not null ? "stop_sequence"
            : "end_turn";
    }

    private void WriteStopSequence(Utf8JsonWriter w)
    {
        if (Answer.StopSequence is { } stop)
        {
            w.WriteString("stop_sequence", stop);
        }
        else
        {
            w.WriteNull("stop_sequence");
        }
    }

    private void WriteHead(Utf8JsonWriter w)
    {
        w.WriteString("id", _id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", Model);
    }

    private void WriteBody()
    {
        var w = Output.BeginJson();
        w.WriteStartObject();
        WriteHead(w);
        w.WriteStartArray("content");
        foreach (var part in Answer.Parts)
        {
            switch (part)
            {
                case TextPart text:
                    AnthropicBlocks.Text(w, text.Text.ToString());
                    break;
                case ReasoningPart { Redacted: true } redacted:
                    AnthropicBlocks.RedactedThinking(w, Context.Signature(redacted.Data!));
                    break;
                case ReasoningPart reasoning:
                    AnthropicBlocks.Thinking(w, reasoning.Text.ToString(), reasoning.Data is { } data ? Context.Signature(data, reasoning.ItemId) : "");
                    break;
                case CallPart call:
                    AnthropicBlocks.ToolUse(w, call.Call.CallId, call.Call.Name, call.ArgumentsJson);
                    break;
            }
        }

        w.WriteEndArray();
        w.WriteString("stop_reason", StopReason());
        WriteStopSequence(w);
        w.WritePropertyName("usage");
        WriteUsage(w, Answer.Usage);
        w.WriteEndObject();
        Output.EndJson();
    }

    private void Delta<TState>(Action<Utf8JsonWriter, TState> delta, TState state)
    {
        var w = Output.Begin("content_block_delta");
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", _index);
        w.WriteStartObject("delta");
        delta(w, state);
        w.WriteEndObject();
        w.WriteEndObject();
        Output.End();
    }

    private void Stop()
    {
        var w = Output.Begin("content_block_stop");
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", _index);
        w.WriteEndObject();
        Output.End();
    }

    private void Event(string type, Action<Utf8JsonWriter> fields)
    {
        var w = Output.Begin(type);
        w.WriteStartObject();
        w.WriteString("type", type);
        fields(w);
        w.WriteEndObject();
        Output.End();
    }
}
