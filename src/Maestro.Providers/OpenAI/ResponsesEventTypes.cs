using System.Text.Json;

namespace Maestro.Providers.OpenAI;

/// <summary>The Responses API stream event types this adapter reads or knowingly skips.</summary>
public static class ResponsesEventTypes
{
    public const string Created = "response.created";
    public const string InProgress = "response.in_progress";
    public const string Queued = "response.queued";
    public const string Completed = "response.completed";
    public const string Incomplete = "response.incomplete";
    public const string Failed = "response.failed";
    public const string Error = "error";
    public const string OutputItemAdded = "response.output_item.added";
    public const string OutputItemDone = "response.output_item.done";
    public const string OutputTextDelta = "response.output_text.delta";
    public const string RefusalDelta = "response.refusal.delta";
    public const string ReasoningSummaryTextDelta = "response.reasoning_summary_text.delta";
    public const string ReasoningSummaryPartAdded = "response.reasoning_summary_part.added";
    public const string ReasoningTextDelta = "response.reasoning_text.delta";
    public const string FunctionCallArgumentsDelta = "response.function_call_arguments.delta";

    private static readonly string[] Named =
    [
        OutputTextDelta, ReasoningSummaryTextDelta, FunctionCallArgumentsDelta, ReasoningTextDelta, RefusalDelta,
        OutputItemAdded, OutputItemDone, ReasoningSummaryPartAdded, Created, InProgress, Queued, Completed, Incomplete,
        Failed, Error,
    ];

    /// <summary>
    /// Events that carry nothing the normalized stream needs: the "done" echoes of text already streamed, content
    /// part bookkeeping, annotations, and the progress events of built-in tools (web search, file search, …).
    /// </summary>
    public static bool IsKnownWithoutContent(string type) =>
        type is InProgress or Queued or "response.content_part.added" or "response.content_part.done"
            or "response.output_text.done" or "response.refusal.done" or "response.function_call_arguments.done"
            or "response.reasoning_summary_text.done" or "response.reasoning_summary_part.done"
            or "response.reasoning_text.done" or "response.output_text.annotation.added" or "keepalive" ||
        type.StartsWith("response.web_search_call.", StringComparison.Ordinal) ||
        type.StartsWith("response.file_search_call.", StringComparison.Ordinal) ||
        type.StartsWith("response.code_interpreter_call", StringComparison.Ordinal) ||
        type.StartsWith("response.image_generation_call.", StringComparison.Ordinal) ||
        type.StartsWith("response.mcp_", StringComparison.Ordinal) ||
        type.StartsWith("response.custom_tool_call_input.", StringComparison.Ordinal);

    /// <summary>The "type" of an event's JSON, as one of the constants above when it is one (no allocation then).</summary>
    public static string Peek(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "message";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                break;
            }

            foreach (var name in Named)
            {
                if (reader.ValueTextEquals(name))
                {
                    return name;
                }
            }

            return reader.GetString() ?? "message";
        }

        return "message";
    }
}
