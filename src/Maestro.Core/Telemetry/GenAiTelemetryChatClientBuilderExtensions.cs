using Microsoft.Extensions.AI;

namespace Maestro.Core.Telemetry;

public static class GenAiTelemetryChatClientBuilderExtensions
{
    /// <summary>Adds GenAI spans and metrics (<see cref="GenAiTelemetryChatClient"/>) to the pipeline.</summary>
    /// <param name="auth">The auth's name (<c>anthropic/work</c>), recorded as <c>maestro.auth</c>.</param>
    public static ChatClientBuilder UseGenAiTelemetry(this ChatClientBuilder builder, MaestroMetrics metrics, string auth, bool captureContent) =>
        builder.Use(inner => new GenAiTelemetryChatClient(inner, metrics, auth) { CaptureContent = captureContent });
}
