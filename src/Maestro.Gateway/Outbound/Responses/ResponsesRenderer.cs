using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Wire;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Outbound.Responses;

/// <summary>
/// Responses API answers. Streamed as OpenAI does: <c>response.created</c>, <c>response.in_progress</c>; per output item
/// <c>output_item.added</c> … <c>output_item.done</c> (reasoning with its summary part and text deltas and, when the
/// client included it, <c>encrypted_content</c>; a message with its output_text part and deltas; a function call with
/// its arguments); then <c>response.completed</c> (<c>response.incomplete</c> for length and content-filter stops, or
/// <c>response.failed</c>). Every event carries <c>sequence_number</c>. Whole: the final response object.
/// </summary>
internal sealed class ResponsesRenderer(AnswerContext context, SseWriter output, bool streaming) : ClientRenderer(context, output, streaming)
{
    private readonly string _id = WireIds.HexId("resp_", 50);
    private readonly Dictionary<AnswerPart, string> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<AnswerPart> _skipped = new(ReferenceEqualityComparer.Instance);
    private int _sequence;

    public override string ContentType => Streaming ? "text/event-stream; charset=utf-8" : "application/json";

    private bool Incomplete => FinishReason == ChatFinishReason.Length || FinishReason == ChatFinishReason.ContentFilter;

    public override void Start()
    {
        if (Streaming)
        {
            ResponseEvent("response.created", ResponseStatus.InProgress, null);
            ResponseEvent("response.in_progress", ResponseStatus.InProgress, null);
        }
    }

    protected override void OnOpen(AnswerPart part)
    {
        if (part is ReasoningPart { Text.Length: 0, Data: not null } && !Context.IncludeReasoningData)
        {
            // A bare signature the client did not ask to see: nothing to show.
            _skipped.Add(part);
            return;
        }

        if (!Streaming)
        {
            return;
        }

        var index = OutputIndex(part);
        Event("response.output_item.added", w =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            WriteItem(w, part, done: false);
        });
        switch (part)
        {
            case ReasoningPart { Data: null }:
                Event("response.reasoning_summary_part.added", w =>
                {
                    SummaryHeader(w, part, index);
                    w.WritePropertyName("part");
                    WriteSummaryPart(w, "");
                });
                break;
            case TextPart:
                Event("response.content_part.added", w =>
                {
                    ContentHeader(w, part, index);
                    w.WritePropertyName("part");
                    WriteOutputText(w, "");
                });
                break;
        }
    }

    protected override void OnTextDelta(TextPart part, string delta)
    {
        if (Streaming)
        {
            var index = OutputIndex(part);
            Event("response.output_text.delta", w =>
            {
                ContentHeader(w, part, index);
                w.WriteString("delta", delta);
                w.WriteStartArray("logprobs");
                w.WriteEndArray();
            });
        }
    }

    protected override void OnReasoningDelta(ReasoningPart part, string delta)
    {
        if (Streaming)
        {
            var index = OutputIndex(part);
            Event("response.reasoning_summary_text.delta", w =>
            {
                SummaryHeader(w, part, index);
                w.WriteString("delta", delta);
            });
        }
    }

    protected override void OnClose(AnswerPart part)
    {
        if (!Streaming || _skipped.Contains(part))
        {
            return;
        }

        var index = OutputIndex(part);
        switch (part)
        {
            case ReasoningPart reasoning when reasoning.Text.Length > 0:
                var summary = reasoning.Text.ToString();
                Event("response.reasoning_summary_text.done", w =>
                {
                    SummaryHeader(w, part, index);
                    w.WriteString("text", summary);
                });
                Event("response.reasoning_summary_part.done", w =>
                {
                    SummaryHeader(w, part, index);
                    w.WritePropertyName("part");
                    WriteSummaryPart(w, summary);
                });
                break;
            case TextPart text:
                var whole = text.Text.ToString();
                Event("response.output_text.done", w =>
                {
                    ContentHeader(w, part, index);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                    w.WriteString("text", whole);
                });
                Event("response.content_part.done", w =>
                {
                    ContentHeader(w, part, index);
                    w.WritePropertyName("part");
                    WriteOutputText(w, whole);
                });
                break;
        }

        Event("response.output_item.done", w =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            WriteItem(w, part, done: true);
        });
    }

    protected override void OnToolCall(CallPart part)
    {
        if (!Streaming)
        {
            return;
        }

        var index = OutputIndex(part);
        Event("response.output_item.added", w =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            WriteItem(w, part, done: false);
        });
        Event("response.function_call_arguments.delta", w =>
        {
            w.WriteString("item_id", Id(part));
            w.WriteNumber("output_index", index);
            w.WriteString("delta", part.ArgumentsJson);
        });
        Event("response.function_call_arguments.done", w =>
        {
            w.WriteString("item_id", Id(part));
            w.WriteNumber("output_index", index);
            w.WriteString("arguments", part.ArgumentsJson);
        });
        Event("response.output_item.done", w =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            WriteItem(w, part, done: true);
        });
    }

    protected override void OnComplete()
    {
        var status = Incomplete ? ResponseStatus.Incomplete : ResponseStatus.Completed;
        if (Streaming)
        {
            ResponseEvent(Incomplete ? "response.incomplete" : "response.completed", status, null);
            return;
        }

        WriteResponse(Output.BeginJson(), status, null);
        Output.EndJson();
    }

    public override void Fail(ProviderException error)
    {
        ResponseEvent("response.failed", ResponseStatus.Failed, GatewayError.From(error));
    }

    /// <summary>Writes the whole response object (for the stream's lifecycle events and for a whole-body answer).</summary>
    private void WriteResponse(Utf8JsonWriter w, ResponseStatus status, GatewayError? error)
    {
        var request = Context.Request;
        var final = status != ResponseStatus.InProgress;
        var now = Context.Time.GetUtcNow().ToUnixTimeSeconds();
        w.WriteStartObject();
        w.WriteString("id", _id);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", Context.Created.ToUnixTimeSeconds());
        w.WriteString("status", status switch
        {
            ResponseStatus.InProgress => "in_progress",
            ResponseStatus.Incomplete => "incomplete",
            ResponseStatus.Failed => "failed",
            _ => "completed",
        });
        w.WriteBoolean("background", false);
        if (final)
        {
            w.WriteNumber("completed_at", now);
        }
        else
        {
            w.WriteNull("completed_at");
        }

        if (error is not null)
        {
            w.WriteStartObject("error");
            w.WriteString("code", error.Class == ErrorClass.RateLimit ? "rate_limit_exceeded" : "server_error");
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("error");
        }

        if (status == ResponseStatus.Incomplete)
        {
            w.WriteStartObject("incomplete_details");
            w.WriteString("reason", FinishReason == ChatFinishReason.Length ? "max_output_tokens" : "content_filter");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details");
        }

        Echo(w, request, "instructions", static w => w.WriteNullValue());
        Echo(w, request, "max_output_tokens", static w => w.WriteNullValue());
        w.WriteString("model", Model);
        w.WriteStartArray("output");
        if (final)
        {
            foreach (var part in Answer.Parts)
            {
                if (!_skipped.Contains(part))
                {
                    WriteItem(w, part, done: true);
                }
            }
        }

        w.WriteEndArray();
        Echo(w, request, "parallel_tool_calls", static w => w.WriteBooleanValue(true));
        w.WriteNull("previous_response_id");
        w.WriteStartObject("reasoning");
        var reasoning = request.TryGetProperty("reasoning", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        Echo(w, reasoning, "effort", static w => w.WriteNullValue());
        Echo(w, reasoning, "summary", static w => w.WriteNullValue());
        w.WriteEndObject();
        w.WriteBoolean("store", false);
        Echo(w, request, "temperature", static w => w.WriteNumberValue(1.0));
        Echo(w, request, "text", static w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("format");
            w.WriteString("type", "text");
            w.WriteEndObject();
            w.WriteEndObject();
        });
        Echo(w, request, "tool_choice", static w => w.WriteStringValue("auto"));
        Echo(w, request, "tools", static w =>
        {
            w.WriteStartArray();
            w.WriteEndArray();
        });
        Echo(w, request, "top_p", static w => w.WriteNumberValue(1.0));
        w.WriteString("truncation", "disabled");
        if (final)
        {
            w.WritePropertyName("usage");
            WriteUsage(w, Answer.Usage);
        }
        else
        {
            w.WriteNull("usage");
        }

        Echo(w, request, "user", static w => w.WriteNullValue());
        Echo(w, request, "metadata", static w =>
        {
            w.WriteStartObject();
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter w, UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        w.WriteStartObject();
        w.WriteNumber("input_tokens", input);
        w.WriteStartObject("input_tokens_details");
        w.WriteNumber("cached_tokens", usage?.CachedInputTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteNumber("output_tokens", output);
        w.WriteStartObject("output_tokens_details");
        w.WriteNumber("reasoning_tokens", usage?.ReasoningTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteNumber("total_tokens", usage?.TotalTokenCount ?? input + output);
        w.WriteEndObject();
    }

    private void WriteItem(Utf8JsonWriter w, AnswerPart part, bool done)
    {
        w.WriteStartObject();
        w.WriteString("id", Id(part));
        switch (part)
        {
            case ReasoningPart reasoning:
                w.WriteString("type", "reasoning");
                if (done && reasoning.Data is { } data && Context.IncludeReasoningData)
                {
                    w.WriteString("encrypted_content", Context.Signature(data, reasoning.ItemId));
                }

                w.WriteStartArray("summary");
                if (done && reasoning.Text.Length > 0)
                {
                    WriteSummaryPart(w, reasoning.Text.ToString());
                }

                w.WriteEndArray();
                break;
            case TextPart text:
                w.WriteString("type", "message");
                w.WriteString("status", !done ? "in_progress" : Incomplete ? "incomplete" : "completed");
                w.WriteStartArray("content");
                if (done)
                {
                    WriteOutputText(w, text.Text.ToString());
                }

                w.WriteEndArray();
                w.WriteString("role", "assistant");
                break;
            case CallPart call:
                w.WriteString("type", "function_call");
                w.WriteString("status", done ? "completed" : "in_progress");
                w.WriteString("arguments", done ? call.ArgumentsJson : "");
                w.WriteString("call_id", call.Call.CallId);
                w.WriteString("name", call.Call.Name);
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>An item's id: the producer's own when it speaks this API (OpenAI's rs_ and fc_ ids), else a fresh one.</summary>
    private string Id(AnswerPart part)
    {
        if (_ids.TryGetValue(part, out var id))
        {
            return id;
        }

        var own = Context.ProducerSpeaksClientApi ? part switch
        {
            ReasoningPart reasoning => reasoning.ItemId,
            CallPart call => call.Call.AdditionalProperties?.TryGetValue(Translation.ReasoningOrigin.ItemIdKey, out var value) == true ? value?.ToString() : null,
            _ => null,
        } : null;
        id = own ?? part switch
        {
            ReasoningPart => WireIds.HexId("rs_", 50),
            CallPart => WireIds.HexId("fc_", 50),
            _ => WireIds.HexId("msg_", 50),
        };
        _ids[part] = id;
        return id;
    }

    private int OutputIndex(AnswerPart part)
    {
        var index = 0;
        foreach (var p in Answer.Parts)
        {
            if (ReferenceEquals(p, part))
            {
                return index;
            }

            if (!_skipped.Contains(p))
            {
                index++;
            }
        }

        return index;
    }

    private void SummaryHeader(Utf8JsonWriter w, AnswerPart part, int index)
    {
        w.WriteString("item_id", Id(part));
        w.WriteNumber("output_index", index);
        w.WriteNumber("summary_index", 0);
    }

    private void ContentHeader(Utf8JsonWriter w, AnswerPart part, int index)
    {
        w.WriteString("item_id", Id(part));
        w.WriteNumber("output_index", index);
        w.WriteNumber("content_index", 0);
    }

    private static void WriteSummaryPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "summary_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteOutputText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "output_text");
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteStartArray("logprobs");
        w.WriteEndArray();
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private void ResponseEvent(string type, ResponseStatus status, GatewayError? error) => Event(type, w =>
    {
        w.WritePropertyName("response");
        WriteResponse(w, status, error);
    });

    private void Event(string type, Action<Utf8JsonWriter> fields)
    {
        var w = Output.Begin(type);
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteNumber("sequence_number", _sequence++);
        fields(w);
        w.WriteEndObject();
        Output.End();
    }

    private static void Echo(Utf8JsonWriter w, JsonElement request, string name, Action<Utf8JsonWriter> fallback)
    {
        w.WritePropertyName(name);
        if (request.ValueKind == JsonValueKind.Object && request.TryGetProperty(name, out var value))
        {
            value.WriteTo(w);
        }
        else
        {
            fallback(w);
        }
    }

    private enum ResponseStatus
    {
        InProgress,
        Completed,
        Incomplete,
        Failed,
    }
}
