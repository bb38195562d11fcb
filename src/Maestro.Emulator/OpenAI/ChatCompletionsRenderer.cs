using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// Chat Completions answers. Stream, as recorded: a first chunk with <c>delta.role</c> (carrying the call itself when the
/// answer is a single tool call); one chunk per content token;
/// per tool call a chunk with index, id, type and name (empty arguments), then argument fragments by index; a chunk with
/// an empty delta and <c>finish_reason</c>; with <c>stream_options.include_usage</c> a chunk with <c>choices: []</c>
/// and the usage (and <c>"usage": null</c> on every other chunk); then <c>data: [DONE]</c>.
/// Reasoning text is never sent on this API; only its token count appears in the usage.
/// </summary>
internal sealed class ChatCompletionsRenderer : IWireRenderer
{
    public SseFraming Framing(HttpRequest request) => SseFraming.Data;

    public IEnumerable<WireEvent> Stream(AnswerPlan plan, RenderInput input)
    {
        using var json = new WireJson();
        var id = WireIds.Base62Id("chatcmpl-", 29);
        var created = input.Now.ToUnixTimeSeconds();
        var fingerprint = WireIds.HexId("fp_", 10);
        var includeUsage = input.Request.Json.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && OpenAIContent.IsTrue(options, "include_usage");
        var callIds = CallIds(plan);

        WireEvent Chunk(Action<Utf8JsonWriter>? delta, string? finishReason, int tokens = 0) => new(null, json.Build(w =>
        {
            WriteChunkHead(w, id, created, input.WireModel, fingerprint);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            delta?.Invoke(w);
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
            if (includeUsage)
            {
                w.WriteNull("usage");
            }

            w.WriteEndObject();
        }), tokens);

        // First chunk, as recorded: a text answer opens with role, content "" and refusal null; a single tool call
        // arrives in that same first delta (role, content null, tool_calls, refusal); parallel calls follow a
        // separate opening delta of role and content null.
        var textAnswer = plan.TextTokens.Count > 0 || plan.ToolCalls.Count == 0;
        var singleCallOpens = !textAnswer && plan.ToolCalls.Count == 1;
        yield return Chunk(w =>
        {
            w.WriteString("role", "assistant");
            if (textAnswer)
            {
                w.WriteString("content", "");
                w.WriteNull("refusal");
                return;
            }

            w.WriteNull("content");
            if (singleCallOpens)
            {
                ToolCallDelta(w, 0, callIds[0], plan.ToolCalls[0].Name, "");
                w.WriteNull("refusal");
            }
        }, null);

        foreach (var token in plan.TextTokens)
        {
            yield return Chunk(w => w.WriteString("content", token), null, tokens: 1);
        }

        for (var i = 0; i < plan.ToolCalls.Count; i++)
        {
            var index = i;
            var call = plan.ToolCalls[i];
            if (!singleCallOpens)
            {
                yield return Chunk(w => ToolCallDelta(w, index, callIds[index], call.Name, ""), null);
            }

            foreach (var fragment in call.ArgumentChunks)
            {
                yield return Chunk(w => ToolCallDelta(w, index, null, null, fragment), null, tokens: 1);
            }
        }

        yield return Chunk(null, FinishReason(plan));

        if (includeUsage)
        {
            yield return new WireEvent(null, json.Build(w =>
            {
                WriteChunkHead(w, id, created, input.WireModel, fingerprint);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                w.WritePropertyName("usage");
                WriteUsage(w, plan.Usage);
                w.WriteEndObject();
            }));
        }

        yield return new WireEvent(null, "[DONE]"u8.ToArray(), Completes: true);
    }

    public byte[] Complete(AnswerPlan plan, RenderInput input)
    {
        var callIds = CallIds(plan);
        return WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", WireIds.Base62Id("chatcmpl-", 29));
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", input.Now.ToUnixTimeSeconds());
            w.WriteString("model", input.WireModel);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (plan.TextTokens.Count > 0 || plan.ToolCalls.Count == 0)
            {
                w.WriteString("content", plan.Text);
            }
            else
            {
                w.WriteNull("content");
            }

            w.WriteNull("refusal");
            w.WriteStartArray("annotations");
            w.WriteEndArray();
            if (plan.ToolCalls.Count > 0)
            {
                w.WriteStartArray("tool_calls");
                for (var i = 0; i < plan.ToolCalls.Count; i++)
                {
                    w.WriteStartObject();
                    w.WriteString("id", callIds[i]);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", plan.ToolCalls[i].Name);
                    w.WriteString("arguments", plan.ToolCalls[i].ArgumentsJson);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", FinishReason(plan));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WritePropertyName("usage");
            WriteUsage(w, plan.Usage);
            w.WriteString("service_tier", "default");
            w.WriteString("system_fingerprint", WireIds.HexId("fp_", 10));
            w.WriteEndObject();
        });
    }

    private static string[] CallIds(AnswerPlan plan) =>
        plan.ToolCalls.Select(c => c.Id ?? WireIds.Base62Id("call_", 24)).ToArray();

    private static string FinishReason(AnswerPlan plan) => plan.Finish switch
    {
        AnswerFinish.Length => "length",
        AnswerFinish.ToolCalls => "tool_calls",
        AnswerFinish.ContentFilter => "content_filter",
        _ => "stop",
    };

    /// <summary>Opens a chunk object and writes the fields before <c>choices</c>.</summary>
    private static void WriteChunkHead(Utf8JsonWriter w, string id, long created, string model, string fingerprint)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteString("service_tier", "default");
        w.WriteString("system_fingerprint", fingerprint);
    }

    /// <summary>The first delta of a call carries id, type and name; later ones only the index and an argument fragment.</summary>
    private static void ToolCallDelta(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (id is not null)
        {
            w.WriteString("id", id);
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        if (name is not null)
        {
            w.WriteString("name", name);
        }

        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteUsage(Utf8JsonWriter w, AnswerUsage usage)
    {
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", usage.InputTokens);
        w.WriteNumber("completion_tokens", usage.OutputTokens);
        w.WriteNumber("total_tokens", usage.InputTokens + usage.OutputTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage.CachedTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
