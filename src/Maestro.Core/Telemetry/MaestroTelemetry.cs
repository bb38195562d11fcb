using System.Diagnostics;

namespace Maestro.Core.Telemetry;

/// <summary>
/// The names under which Maestro reports to OpenTelemetry: one <see cref="ActivitySource"/> for its spans (turns, chat
/// calls, tool calls) and one meter for its metrics. Nothing is recorded unless a listener (the OpenTelemetry SDK,
/// configured by the OTEL_* variables) subscribes to these names.
/// </summary>
public static class MaestroTelemetry
{
    /// <summary>The activity source and the meter name.</summary>
    public const string Name = "Maestro";

    /// <summary>Turn (<c>invoke_agent</c>), <c>chat</c> and <c>execute_tool</c> spans.</summary>
    public static ActivitySource Source { get; } = new(Name, typeof(MaestroTelemetry).Assembly.GetName().Version?.ToString());
}
