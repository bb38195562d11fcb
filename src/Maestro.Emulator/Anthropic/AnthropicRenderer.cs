using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Maestro.Wire;
using Maestro.Wire.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// Messages API answers. Stream order, as recorded: message_start; for each block content_block_start, deltas,
/// content_block_stop, with one ping right after the first content_block_start; message_delta (stop_reason,
/// stop_sequence, usage.output_tokens); message_stop. Blocks: thinking (thinking_delta…, signature_delta), text
/// (text_delta…), tool_use (input_json_delta: an empty first fragment, then the JSON in pieces).
/// </summary>
internal sealed class AnthropicRenderer : IWireRenderer
{
    public SseFraming Framing(HttpRequest request) => SseFraming.EventAndData;

    public IEnumerable<WireEvent> Stream(AnswerPlan plan, RenderInput input)
    {
        using var json = new WireJson();
        var padding = new AnthropicPadding();
        var messageId = WireIds.Base62Id("msg_01", 22);
        var toolIds = ToolIds(plan);

        WireEvent Event(string type, Action<Utf8JsonWriter> write, int tokens = 0, bool completes = false) =>
            new(type, padding.Apply(json.Build(write)), tokens, completes);

        yield return Event("message_start", w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_start");
            w.WritePropertyName("message");
            WriteMessageHead(w, input.WireModel, messageId);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            w.WritePropertyName("usage");
            WriteUsage(w, plan.Usage, outputTokens: 1, full: true);
            w.WriteEndObject();
            w.WriteEndObject();
        });

        var index = 0;
        var pinged = false;
        IEnumerable<WireEvent> Start(Action<Utf8JsonWriter> block)
        {
            var blockIndex = index;
            yield return Event("content_block_start", w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "content_block_start");
                w.WriteNumber("index", blockIndex);
                w.WritePropertyName("content_block");
                block(w);
                w.WriteEndObject();
            });
            if (!pinged)
            {
                pinged = true;
                // Recorded as-is, with the space after the colon and no padding.
                yield return new WireEvent("ping", "{\"type\": \"ping\"}"u8.ToArray());
            }
        }

        WireEvent Delta(string deltaType, string field, string value, int tokens = 1)
        {
            var blockIndex = index;
            return Event("content_block_delta", w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "content_block_delta");
                w.WriteNumber("index", blockIndex);
                w.WriteStartObject("delta");
                w.WriteString("type", deltaType);
                w.WriteString(field, value);
                w.WriteEndObject();
                w.WriteEndObject();
            }, tokens);
        }

        WireEvent Stop()
        {
            var blockIndex = index++;
            return Event("content_block_stop", w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "content_block_stop");
                w.WriteNumber("index", blockIndex);
                w.WriteEndObject();
            });
        }

        if (plan.HasReasoning)
        {
            foreach (var e in Start(w => WriteThinkingBlock(w, "", "")))
            {
                yield return e;
            }

            foreach (var token in plan.ReasoningTokens)
            {
                yield return Delta("thinking_delta", "thinking", token);
            }

            yield return Delta("signature_delta", "signature", Signature(plan), tokens: 0);
            yield return Stop();
        }

        if (plan.TextTokens.Count > 0 || (plan.ToolCalls.Count == 0 && !plan.HasReasoning))
        {
            foreach (var e in Start(w => WriteTextBlock(w, "")))
            {
                yield return e;
            }

            foreach (var token in plan.TextTokens)
            {
                yield return Delta("text_delta", "text", token);
            }

            yield return Stop();
        }

        for (var i = 0; i < plan.ToolCalls.Count; i++)
        {
            var call = plan.ToolCalls[i];
            var id = toolIds[i];
            foreach (var e in Start(w => WriteToolUseBlock(w, id, call.Name, null)))
            {
                yield return e;
            }

            yield return Delta("input_json_delta", "partial_json", "", tokens: 0);
            if (call.ArgumentsJson != "{}")
            {
                foreach (var fragment in call.ArgumentChunks)
                {
                    yield return Delta("input_json_delta", "partial_json", fragment);
                }
            }

            yield return Stop();
        }

        yield return Event("message_delta", w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", StopReason(plan));
            WriteStopSequence(w, plan);
            w.WriteEndObject();
            w.WritePropertyName("usage");
            WriteUsage(w, plan.Usage, plan.Usage.OutputTokens, full: false);
            w.WriteEndObject();
        });

        yield return Event("message_stop", w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_stop");
            w.WriteEndObject();
        }, completes: true);
    }

    public byte[] Complete(AnswerPlan plan, RenderInput input)
    {
        var toolIds = ToolIds(plan);
        return WireJson.Once(w =>
        {
            WriteMessageHead(w, input.WireModel, WireIds.Base62Id("msg_01", 22));
            w.WriteStartArray("content");
            if (plan.HasReasoning)
            {
                WriteThinkingBlock(w, plan.ReasoningText, Signature(plan));
            }

            if (plan.TextTokens.Count > 0 || (plan.ToolCalls.Count == 0 && !plan.HasReasoning))
            {
                WriteTextBlock(w, plan.Text);
            }

            for (var i = 0; i < plan.ToolCalls.Count; i++)
            {
                WriteToolUseBlock(w, toolIds[i], plan.ToolCalls[i].Name, plan.ToolCalls[i].ArgumentsJson);
            }

            w.WriteEndArray();
            w.WriteString("stop_reason", StopReason(plan));
            WriteStopSequence(w, plan);
            w.WritePropertyName("usage");
            WriteUsage(w, plan.Usage, plan.Usage.OutputTokens, full: true);
            w.WriteEndObject();
        });
    }

    private static string[] ToolIds(AnswerPlan plan) =>
        plan.ToolCalls.Select(c => c.Id ?? WireIds.Base62Id("toolu_01", 22)).ToArray();

    private static string Signature(AnswerPlan plan) => WireIds.Opaque("anthropic-thinking-signature", plan.ReasoningText);

    private static string StopReason(AnswerPlan plan) => plan.Finish switch
    {
        AnswerFinish.Length => "max_tokens",
        AnswerFinish.ToolCalls => "tool_use",
        AnswerFinish.ContentFilter => "refusal",
        _ => plan.StopSequence is not null ? "stop_sequence" : "end_turn",
    };

    /// <summary>Opens the message object and writes the fields before <c>content</c>; the caller closes it.</summary>
    private static void WriteMessageHead(Utf8JsonWriter w, string model, string id)
    {
        w.WriteStartObject();
        w.WriteString("model", model);
        w.WriteString("id", id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
    }

    private static void WriteStopSequence(Utf8JsonWriter w, AnswerPlan plan)
    {
        if (plan.Finish == AnswerFinish.Stop && plan.StopSequence is { } stop)
        {
            w.WriteString("stop_sequence", stop);
        }
        else
        {
            w.WriteNull("stop_sequence");
        }
    }

    /// <summary>Anthropic's input_tokens exclude cache reads, which are reported apart.</summary>
    private static void WriteUsage(Utf8JsonWriter w, AnswerUsage usage, int outputTokens, bool full)
    {
        w.WriteStartObject();
        w.WriteNumber("input_tokens", Math.Max(0, usage.InputTokens - usage.CachedTokens));
        w.WriteNumber("cache_creation_input_tokens", 0);
        w.WriteNumber("cache_read_input_tokens", usage.CachedTokens);
        if (full)
        {
            w.WriteStartObject("cache_creation");
            w.WriteNumber("ephemeral_5m_input_tokens", 0);
            w.WriteNumber("ephemeral_1h_input_tokens", 0);
            w.WriteEndObject();
        }

        w.WriteNumber("output_tokens", outputTokens);
        if (full)
        {
            w.WriteString("service_tier", "standard");
        }

        w.WriteEndObject();
    }

    private static void WriteThinkingBlock(Utf8JsonWriter w, string thinking, string signature) => AnthropicBlocks.Thinking(w, thinking, signature);

    private static void WriteTextBlock(Utf8JsonWriter w, string text) => AnthropicBlocks.Text(w, text);

    /// <param name="argumentsJson">Null in a stream's content_block_start, where input is always <c>{}</c>.</param>
    private static void WriteToolUseBlock(Utf8JsonWriter w, string id, string name, string? argumentsJson) =>
        AnthropicBlocks.ToolUse(w, id, name, argumentsJson ?? "{}");
}
