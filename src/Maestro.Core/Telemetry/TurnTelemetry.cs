using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Telemetry;

/// <summary>
/// A turn as telemetry: an <c>invoke_agent {session}</c> span (the session is the agent) that parents the turn's
/// <c>chat</c> and <c>execute_tool</c> spans and is itself a child of the request that started the turn, and the
/// running-turns count.
/// </summary>
public sealed class TurnTelemetry : IDisposable
{
    private readonly MaestroMetrics _metrics;
    private readonly Activity? _activity;

    private TurnTelemetry(MaestroMetrics metrics, Activity? activity)
    {
        _metrics = metrics;
        _activity = activity;
        metrics.TurnStarted();
    }

    public static TurnTelemetry Start(MaestroMetrics metrics, Guid turnId, Guid sessionId, string session, Guid? threadId, string provider, string auth, string model)
    {
        var activity = MaestroTelemetry.Source.StartActivity($"{GenAiAttributes.InvokeAgent} {session}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiAttributes.OperationName, GenAiAttributes.InvokeAgent)
                .SetTag(GenAiAttributes.AgentName, session)
                .SetTag(GenAiAttributes.AgentId, sessionId.ToString())
                .SetTag(GenAiAttributes.ConversationId, threadId?.ToString())
                .SetTag(GenAiAttributes.ProviderName, provider)
                .SetTag(GenAiAttributes.RequestModel, model)
                .SetTag(GenAiAttributes.Auth, auth)
                .SetTag(GenAiAttributes.TurnId, turnId.ToString());
        }

        return new TurnTelemetry(metrics, activity);
    }

    /// <summary>Records how the turn ended; <paramref name="error"/> marks the span failed.</summary>
    public void Finish(string status, int rounds, UsageDetails? usage, string? error)
    {
        if (_activity is not { } activity)
        {
            return;
        }

        activity.SetTag("maestro.turn.status", status)
            .SetTag("maestro.turn.rounds", rounds)
            .SetTag(GenAiAttributes.InputTokens, usage?.InputTokenCount)
            .SetTag(GenAiAttributes.OutputTokens, usage?.OutputTokenCount);
        if (error is not null)
        {
            activity.SetTag(GenAiAttributes.ErrorType, status).SetStatus(ActivityStatusCode.Error, error);
        }
    }

    public void Dispose()
    {
        _activity?.Dispose();
        _metrics.TurnEnded();
    }
}
