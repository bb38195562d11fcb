using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Wire;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// One Responses API answer: its ids and output items (reasoning, message, function calls, in that order) and how to
/// write the <c>response</c> object and each item in its in-progress and done states. Request settings (instructions,
/// tools, reasoning, store…) are echoed back as the real API does.
/// </summary>
internal sealed class ResponseObject
{
    private const string EncryptedReasoning = "reasoning.encrypted_content";

    private readonly AnswerPlan _plan;
    private readonly RenderInput _input;

    public ResponseObject(AnswerPlan plan, RenderInput input)
    {
        _plan = plan;
        _input = input;
        Id = WireIds.HexId("resp_", 50);
        CreatedAt = input.Now.ToUnixTimeSeconds();
        // Reasoning models always return a reasoning item; its text only when a summary was asked for (or scripted).
        HasReasoningItem = plan.HasReasoning || input.Thinks;
        ReasoningId = WireIds.HexId("rs_", 50);
        EncryptedContent = IncludesEncryptedReasoning(input.Request.Json)
            ? "gAAAAAB" + WireIds.Opaque("openai-encrypted-reasoning", plan.ReasoningText, urlSafe: true)
            : null;
        HasMessage = plan.TextTokens.Count > 0 || plan.ToolCalls.Count == 0;
        MessageId = WireIds.HexId("msg_", 50);
        Calls = plan.ToolCalls
            .Select(c => new FunctionCallItem(WireIds.HexId("fc_", 50), c.Id ?? WireIds.Base62Id("call_", 24), c))
            .ToList();
    }

    public string Id { get; }

    public long CreatedAt { get; }

    public bool HasReasoningItem { get; }

    public string ReasoningId { get; }

    public string? EncryptedContent { get; }

    public bool HasMessage { get; }

    public string MessageId { get; }

    public IReadOnlyList<FunctionCallItem> Calls { get; }

    /// <summary>Length and content-filter stops end as <c>incomplete</c> (stream event <c>response.incomplete</c>).</summary>
    public bool IsIncomplete => _plan.Finish is AnswerFinish.Length or AnswerFinish.ContentFilter;

    public void WriteResponse(Utf8JsonWriter w, bool final)
    {
        var request = _input.Request.Json;
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", CreatedAt);
        w.WriteString("status", !final ? "in_progress" : IsIncomplete ? "incomplete" : "completed");
        w.WriteBoolean("background", false);
        if (final)
        {
            w.WriteNumber("completed_at", _input.Now.ToUnixTimeSeconds());
        }
        else
        {
            w.WriteNull("completed_at");
        }

        w.WriteNull("error");
        if (final && IsIncomplete)
        {
            w.WriteStartObject("incomplete_details");
            w.WriteString("reason", _plan.Finish == AnswerFinish.Length ? "max_output_tokens" : "content_filter");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details");
        }

        Echo(w, request, "instructions", static w => w.WriteNullValue());
        Echo(w, request, "max_output_tokens", static w => w.WriteNullValue());
        Echo(w, request, "max_tool_calls", static w => w.WriteNullValue());
        w.WriteString("model", _input.WireModel);
        w.WriteStartArray("output");
        if (final)
        {
            WriteItems(w);
        }

        w.WriteEndArray();
        Echo(w, request, "parallel_tool_calls", static w => w.WriteBooleanValue(true));
        Echo(w, request, "previous_response_id", static w => w.WriteNullValue());
        Echo(w, request, "prompt_cache_key", static w => w.WriteNullValue());
        WriteReasoningSettings(w, request);
        Echo(w, request, "safety_identifier", static w => w.WriteNullValue());
        w.WriteString("service_tier", final ? "default" : "auto");
        Echo(w, request, "store", static w => w.WriteBooleanValue(true));
        Echo(w, request, "temperature", static w => w.WriteNumberValue(1.0));
        Echo(w, request, "text", static w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("format");
            w.WriteString("type", "text");
            w.WriteEndObject();
            w.WriteString("verbosity", "medium");
            w.WriteEndObject();
        });
        Echo(w, request, "tool_choice", static w => w.WriteStringValue("auto"));
        Echo(w, request, "tools", static w =>
        {
            w.WriteStartArray();
            w.WriteEndArray();
        });
        Echo(w, request, "top_logprobs", static w => w.WriteNumberValue(0));
        Echo(w, request, "top_p", static w => w.WriteNumberValue(1.0));
        Echo(w, request, "truncation", static w => w.WriteStringValue("disabled"));
        if (final)
        {
            w.WritePropertyName("usage");
            WriteUsage(w);
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

    public void WriteItems(Utf8JsonWriter w)
    {
        if (HasReasoningItem)
        {
            WriteReasoningItem(w, done: true);
        }

        if (HasMessage)
        {
            WriteMessageItem(w, done: true);
        }

        foreach (var call in Calls)
        {
            WriteFunctionCallItem(w, call, done: true);
        }
    }

    public void WriteReasoningItem(Utf8JsonWriter w, bool done)
    {
        w.WriteStartObject();
        w.WriteString("id", ReasoningId);
        w.WriteString("type", "reasoning");
        if (EncryptedContent is not null)
        {
            w.WriteString("encrypted_content", EncryptedContent);
        }

        w.WriteStartArray("summary");
        if (done && _plan.HasReasoning)
        {
            WriteSummaryPart(w, _plan.ReasoningText);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteSummaryPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "summary_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    public void WriteMessageItem(Utf8JsonWriter w, bool done)
    {
        w.WriteStartObject();
        w.WriteString("id", MessageId);
        w.WriteString("type", "message");
        w.WriteString("status", !done ? "in_progress" : IsIncomplete ? "incomplete" : "completed");
        w.WriteStartArray("content");
        if (done)
        {
            WriteOutputText(w, _plan.Text);
        }

        w.WriteEndArray();
        w.WriteString("role", "assistant");
        w.WriteEndObject();
    }

    public static void WriteOutputText(Utf8JsonWriter w, string text)
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

    public static void WriteFunctionCallItem(Utf8JsonWriter w, FunctionCallItem call, bool done)
    {
        w.WriteStartObject();
        w.WriteString("id", call.ItemId);
        w.WriteString("type", "function_call");
        w.WriteString("status", done ? "completed" : "in_progress");
        w.WriteString("arguments", done ? call.Call.ArgumentsJson : "");
        w.WriteString("call_id", call.CallId);
        w.WriteString("name", call.Call.Name);
        w.WriteEndObject();
    }

    private void WriteUsage(Utf8JsonWriter w)
    {
        var usage = _plan.Usage;
        w.WriteStartObject();
        w.WriteNumber("input_tokens", usage.InputTokens);
        w.WriteStartObject("input_tokens_details");
        w.WriteNumber("cached_tokens", usage.CachedTokens);
        w.WriteEndObject();
        w.WriteNumber("output_tokens", usage.OutputTokens);
        w.WriteStartObject("output_tokens_details");
        w.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        w.WriteEndObject();
        w.WriteNumber("total_tokens", usage.InputTokens + usage.OutputTokens);
        w.WriteEndObject();
    }

    private void WriteReasoningSettings(Utf8JsonWriter w, JsonElement request)
    {
        var hasSettings = request.TryGetProperty("reasoning", out var settings) && settings.ValueKind == JsonValueKind.Object;
        w.WriteStartObject("reasoning");
        if (hasSettings && settings.TryGetProperty("effort", out var effort))
        {
            w.WritePropertyName("effort");
            effort.WriteTo(w);
        }
        else if (_input.Thinks)
        {
            w.WriteString("effort", "medium");
        }
        else
        {
            w.WriteNull("effort");
        }

        if (hasSettings && settings.TryGetProperty("summary", out var summary))
        {
            w.WritePropertyName("summary");
            summary.WriteTo(w);
        }
        else
        {
            w.WriteNull("summary");
        }

        w.WriteEndObject();
    }

    private static void Echo(Utf8JsonWriter w, JsonElement request, string name, Action<Utf8JsonWriter> fallback)
    {
        w.WritePropertyName(name);
        if (request.TryGetProperty(name, out var value))
        {
            value.WriteTo(w);
        }
        else
        {
            fallback(w);
        }
    }

    private static bool IncludesEncryptedReasoning(JsonElement request)
    {
        if (!request.TryGetProperty("include", out var include) || include.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var entry in include.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String && entry.GetString() == EncryptedReasoning)
            {
                return true;
            }
        }

        return false;
    }
}

/// <param name="ItemId">The output item id (<c>fc_…</c>).</param>
/// <param name="CallId">The id tool results refer to (<c>call_…</c>).</param>
internal sealed record FunctionCallItem(string ItemId, string CallId, PlannedToolCall Call);
