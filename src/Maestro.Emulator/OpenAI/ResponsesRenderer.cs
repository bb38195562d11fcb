using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// Responses API answers. Stream order, as recorded: response.created, response.in_progress; per output item
/// output_item.added … output_item.done (reasoning: reasoning_summary_part.added, reasoning_summary_text.delta…,
/// .done, reasoning_summary_part.done; message: content_part.added, output_text.delta…, output_text.done,
/// content_part.done; function_call: function_call_arguments.delta…, .done); then response.completed
/// (response.incomplete for length and content-filter stops). Every event carries <c>sequence_number</c>.
/// </summary>
internal sealed class ResponsesRenderer : IWireRenderer
{
    public SseFraming Framing(HttpRequest request) => SseFraming.EventAndData;

    public IEnumerable<WireEvent> Stream(AnswerPlan plan, RenderInput input)
    {
        using var json = new WireJson();
        var response = new ResponseObject(plan, input);
        var sequence = 0;

        WireEvent Event(string type, Action<Utf8JsonWriter> fields, int tokens = 0, bool completes = false) =>
            new(type, json.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteNumber("sequence_number", sequence++);
                fields(w);
                w.WriteEndObject();
            }), tokens, completes);

        yield return Event("response.created", w =>
        {
            w.WritePropertyName("response");
            response.WriteResponse(w, final: false);
        });
        yield return Event("response.in_progress", w =>
        {
            w.WritePropertyName("response");
            response.WriteResponse(w, final: false);
        });

        var outputIndex = 0;
        if (response.HasReasoningItem)
        {
            var index = outputIndex++;
            yield return Event("response.output_item.added", w => Item(w, index, x => response.WriteReasoningItem(x, done: false)));
            if (plan.HasReasoning)
            {
                yield return Event("response.reasoning_summary_part.added", w =>
                {
                    SummaryHeader(w, response.ReasoningId, index);
                    w.WritePropertyName("part");
                    ResponseObject.WriteSummaryPart(w, "");
                });
                foreach (var token in plan.ReasoningTokens)
                {
                    yield return Event("response.reasoning_summary_text.delta", w =>
                    {
                        SummaryHeader(w, response.ReasoningId, index);
                        w.WriteString("delta", token);
                    }, tokens: 1);
                }

                yield return Event("response.reasoning_summary_text.done", w =>
                {
                    SummaryHeader(w, response.ReasoningId, index);
                    w.WriteString("text", plan.ReasoningText);
                });
                yield return Event("response.reasoning_summary_part.done", w =>
                {
                    SummaryHeader(w, response.ReasoningId, index);
                    w.WritePropertyName("part");
                    ResponseObject.WriteSummaryPart(w, plan.ReasoningText);
                });
            }

            yield return Event("response.output_item.done", w => Item(w, index, x => response.WriteReasoningItem(x, done: true)));
        }

        if (response.HasMessage)
        {
            var index = outputIndex++;
            yield return Event("response.output_item.added", w => Item(w, index, x => response.WriteMessageItem(x, done: false)));
            yield return Event("response.content_part.added", w =>
            {
                ContentHeader(w, response.MessageId, index);
                w.WritePropertyName("part");
                ResponseObject.WriteOutputText(w, "");
            });
            foreach (var token in plan.TextTokens)
            {
                yield return Event("response.output_text.delta", w =>
                {
                    ContentHeader(w, response.MessageId, index);
                    w.WriteString("delta", token);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                }, tokens: 1);
            }

            yield return Event("response.output_text.done", w =>
            {
                ContentHeader(w, response.MessageId, index);
                w.WriteStartArray("logprobs");
                w.WriteEndArray();
                w.WriteString("text", plan.Text);
            });
            yield return Event("response.content_part.done", w =>
            {
                ContentHeader(w, response.MessageId, index);
                w.WritePropertyName("part");
                ResponseObject.WriteOutputText(w, plan.Text);
            });
            yield return Event("response.output_item.done", w => Item(w, index, x => response.WriteMessageItem(x, done: true)));
        }

        foreach (var call in response.Calls)
        {
            var index = outputIndex++;
            yield return Event("response.output_item.added", w => Item(w, index, x => ResponseObject.WriteFunctionCallItem(x, call, done: false)));
            foreach (var fragment in call.Call.ArgumentChunks)
            {
                yield return Event("response.function_call_arguments.delta", w =>
                {
                    w.WriteString("item_id", call.ItemId);
                    w.WriteNumber("output_index", index);
                    w.WriteString("delta", fragment);
                }, tokens: 1);
            }

            yield return Event("response.function_call_arguments.done", w =>
            {
                w.WriteString("item_id", call.ItemId);
                w.WriteNumber("output_index", index);
                w.WriteString("arguments", call.Call.ArgumentsJson);
            });
            yield return Event("response.output_item.done", w => Item(w, index, x => ResponseObject.WriteFunctionCallItem(x, call, done: true)));
        }

        yield return Event(response.IsIncomplete ? "response.incomplete" : "response.completed", w =>
        {
            w.WritePropertyName("response");
            response.WriteResponse(w, final: true);
        }, completes: true);
    }

    public byte[] Complete(AnswerPlan plan, RenderInput input)
    {
        var response = new ResponseObject(plan, input);
        return WireJson.Once(w => response.WriteResponse(w, final: true));
    }

    private static void Item(Utf8JsonWriter w, int outputIndex, Action<Utf8JsonWriter> item)
    {
        w.WriteNumber("output_index", outputIndex);
        w.WritePropertyName("item");
        item(w);
    }

    private static void SummaryHeader(Utf8JsonWriter w, string itemId, int outputIndex)
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("output_index", outputIndex);
        w.WriteNumber("summary_index", 0);
    }

    private static void ContentHeader(Utf8JsonWriter w, string itemId, int outputIndex)
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("output_index", outputIndex);
        w.WriteNumber("content_index", 0);
    }
}
