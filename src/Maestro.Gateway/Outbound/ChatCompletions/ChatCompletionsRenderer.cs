using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Wire;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Outbound.ChatCompletions;

/// <summary>
/// Chat Completions answers. Streamed as OpenAI does: a first chunk with the role, a chunk per delta (<c>content</c>,
/// or <c>reasoning_content</c> for reasoning), a chunk per tool call (id, name and the whole arguments), a chunk with
/// <c>finish_reason</c>, the usage chunk when <c>stream_options.include_usage</c> asked for it, then <c>[DONE]</c>.
/// Whole: one <c>chat.completion</c> object.
/// </summary>
internal sealed class ChatCompletionsRenderer(AnswerContext context, SseWriter output, bool streaming) : ClientRenderer(context, output, streaming)
{
    private readonly string _id = WireIds.Base62Id("chatcmpl-", 29);
    private int _calls;

    public override string ContentType => Streaming ? "text/event-stream; charset=utf-8" : "application/json";

    public override void Start()
    {
        if (Streaming)
        {
            Chunk(static (w, _) =>
            {
                w.WriteString("role", "assistant");
                w.WriteString("content", "");
            }, 0, null);
        }
    }

    protected override void OnTextDelta(TextPart part, string delta)
    {
        if (Streaming)
        {
            Chunk(static (w, d) => w.WriteString("content", d), delta, null);
        }
    }

    protected override void OnReasoningDelta(ReasoningPart part, string delta)
    {
        if (Streaming)
        {
            Chunk(static (w, d) => w.WriteString("reasoning_content", d), delta, null);
        }
    }

    protected override void OnToolCall(CallPart part)
    {
        var index = _calls++;
        if (Streaming)
        {
            Chunk(static (w, s) =>
            {
                w.WriteStartArray("tool_calls");
                WriteCall(w, s.part, s.index);
                w.WriteEndArray();
            }, (part, index), null);
        }
    }

    protected override void OnComplete()
    {
        if (!Streaming)
        {
            WriteBody();
            return;
        }

        Chunk(static (_, _) => { }, 0, FinishName(FinishReason));
        if (Context.IncludeUsage)
        {
            var w = Output.Begin(null);
            Head(w);
            w.WriteStartArray("choices");
            w.WriteEndArray();
            w.WritePropertyName("usage");
            WriteUsage(w, Answer.Usage);
            w.WriteEndObject();
            Output.End();
        }

        Output.Raw("data: [DONE]\n\n"u8);
    }

    /// <summary>OpenAI's in-stream error: a data line holding an <c>error</c> object; no <c>[DONE]</c> follows.</summary>
    public override void Fail(ProviderException error)
    {
        var gateway = GatewayError.From(error);
        var w = Output.Begin(null);
        w.WriteStartObject();
        w.WritePropertyName("error");
        Wire.OpenAI.OpenAIErrorBody.WriteError(w, gateway.Message, ClientErrors.OpenAIType(gateway), null, ClientErrors.OpenAICode(gateway));
        w.WriteEndObject();
        Output.End();
    }

    public static string FinishName(ChatFinishReason reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";

    public static void WriteUsage(Utf8JsonWriter w, UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", input);
        w.WriteNumber("completion_tokens", output);
        w.WriteNumber("total_tokens", usage?.TotalTokenCount ?? input + output);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage?.CachedInputTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", usage?.ReasoningTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCall(Utf8JsonWriter w, CallPart part, int index)
    {
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteString("id", part.Call.CallId);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", part.Call.Name);
        w.WriteString("arguments", part.ArgumentsJson);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void Chunk<TState>(Action<Utf8JsonWriter, TState> delta, TState state, string? finishReason)
    {
        var w = Output.Begin(null);
        Head(w);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w, state);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        if (Context.IncludeUsage)
        {
            w.WriteNull("usage");
        }

        w.WriteEndObject();
        Output.End();
    }

    /// <summary>Opens a chunk and writes what precedes <c>choices</c>.</summary>
    private void Head(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", _id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", Context.Created.ToUnixTimeSeconds());
        w.WriteString("model", Model);
    }

    private void WriteBody()
    {
        var w = Output.BeginJson();
        w.WriteStartObject();
        w.WriteString("id", _id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", Context.Created.ToUnixTimeSeconds());
        w.WriteString("model", Model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        var text = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        foreach (var part in Answer.Parts)
        {
            switch (part)
            {
                case TextPart t:
                    text.Append(t.Text);
                    break;
                case ReasoningPart r:
                    reasoning.Append(r.Text);
                    break;
            }
        }

        if (text.Length > 0 || !Answer.HasToolCalls)
        {
            w.WriteString("content", text.ToString());
        }
        else
        {
            w.WriteNull("content");
        }

        if (reasoning.Length > 0)
        {
            w.WriteString("reasoning_content", reasoning.ToString());
        }

        w.WriteNull("refusal");
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        if (Answer.HasToolCalls)
        {
            w.WriteStartArray("tool_calls");
            foreach (var part in Answer.Parts)
            {
                if (part is CallPart call)
                {
                    w.WriteStartObject();
                    w.WriteString("id", call.Call.CallId);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Call.Name);
                    w.WriteString("arguments", call.ArgumentsJson);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", FinishName(FinishReason));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("usage");
        WriteUsage(w, Answer.Usage);
        w.WriteEndObject();
        Output.EndJson();
    }
}
