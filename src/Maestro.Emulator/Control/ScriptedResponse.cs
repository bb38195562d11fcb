using System.Text.Json.Serialization;

namespace Maestro.Emulator;

/// <summary>
/// One provider-neutral answer a test queues for a credential. Each provider renders it in its own wire format,
/// streaming or not. JSON form (snake_case):
/// <c>{ "text", "reasoning", "tool_calls": [{ "id", "name", "arguments" }], "usage": { "input_tokens", "output_tokens" },
/// "finish", "fault", "retry_after", "tokens_per_second", "stop_sequence", "hold", "hold_after_tokens" }</c>.
/// </summary>
public sealed record ScriptedResponse
{
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>Thinking / reasoning-summary / thought text, rendered before the answer.</summary>
    [JsonPropertyName("reasoning")]
    public string? Reasoning { get; init; }

    /// <summary>Several entries are parallel tool calls in one answer.</summary>
    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<ScriptedToolCall>? ToolCalls { get; init; }

    /// <summary>Absent: estimated from the request size and the scripted content.</summary>
    [JsonPropertyName("usage")]
    public ScriptedUsage? Usage { get; init; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>content_filter</c>; absent: <c>tool_calls</c> when there are tool calls, else <c>stop</c>.</summary>
    [JsonPropertyName("finish")]
    public string? Finish { get; init; }

    /// <summary>A status fault answers with an error instead of the content; a stream fault damages the rendered content.</summary>
    [JsonPropertyName("fault")]
    public EmulatorFault? Fault { get; init; }

    /// <summary>Seconds for the <c>Retry-After</c> header of a 429 fault (overrides the fault's own argument).</summary>
    [JsonPropertyName("retry_after")]
    public int? RetryAfter { get; init; }

    /// <summary>Pace of the streamed tokens; 0 or absent = as fast as possible.</summary>
    [JsonPropertyName("tokens_per_second")]
    public double? TokensPerSecond { get; init; }

    /// <summary>With finish <c>stop</c>: the stop sequence that ended the answer (Anthropic reports it).</summary>
    [JsonPropertyName("stop_sequence")]
    public string? StopSequence { get; init; }

    /// <summary>
    /// A gate the stream waits at after <see cref="HoldAfterTokens"/> tokens until it is released
    /// (<see cref="EmulatorControl.Release"/> or <c>POST /_emulator/holds/{gate}/release</c>); streamed answers only.
    /// </summary>
    [JsonPropertyName("hold")]
    public string? Hold { get; init; }

    /// <summary>Tokens streamed before the stream waits at <see cref="Hold"/>; absent: 1, so the answer has begun.</summary>
    [JsonPropertyName("hold_after_tokens")]
    public int? HoldAfterTokens { get; init; }

    public static ScriptedResponse FromText(string text) => new() { Text = text };

    public static ScriptedResponse FromFault(string fault) => new() { Fault = EmulatorFault.Parse(fault) };

    public static ScriptedResponse FromToolCalls(params ScriptedToolCall[] calls) => new() { ToolCalls = calls };
}
