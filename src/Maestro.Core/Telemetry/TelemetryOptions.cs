namespace Maestro.Core.Telemetry;

/// <summary>What Maestro's spans may contain (environment variables in parentheses).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Prompts, answers, tool arguments and tool results on the spans (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true).
    /// Off by default: they may hold anything the user or a tool wrote.
    /// </summary>
    public bool CaptureMessageContent { get; init; }
}
