using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Events;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Telemetry;
using Maestro.Core.Tools;
using Maestro.Core.Turns.Persistence;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// Makes the runner of each turn, wired to one service per stage of the turn path: the provider's client (input →
/// provider stream), the context builder, the event hub, the tool executor and the journal (persistence).
/// </summary>
public sealed class TurnRunnerFactory(
    ProviderConnections connections,
    TurnContextBuilder context,
    SessionEventHub events,
    SessionTools tools,
    ToolExecutor executor,
    TurnJournal journal,
    MaestroMetrics metrics,
    TurnEngineOptions options,
    ILoggerFactory loggers)
{
    internal ProviderConnections Connections => connections;

    internal TurnContextBuilder Context => context;

    internal SessionEventHub Events => events;

    internal ToolExecutor Executor => executor;

    internal TurnJournal Journal => journal;

    internal MaestroMetrics Metrics => metrics;

    internal TurnEngineOptions Options => options;

    internal ILogger Logger { get; } = loggers.CreateLogger<TurnRunner>();

    /// <summary>The tools a session would get now (built-ins it enabled, its MCP servers' tools).</summary>
    public Task<ToolSet> ToolsAsync(Session session, CancellationToken cancellationToken) => tools.ForAsync(session, cancellationToken);

    /// <summary>Tells every viewer the turn started, with the user's message when it has one.</summary>
    internal void Announce(TurnRecord turn, Guid sessionId, ConversationMessage? userMessage, TurnInput input) =>
        events.Publish(new SessionEvent
        {
            SessionId = sessionId,
            Type = SessionEventTypes.TurnStarted,
            TurnId = turn.Id,
            MessageId = userMessage?.Id,
            Turn = new TurnInfo("running", 0, input.ResubmitLast ? null : input.Text),
            Message = userMessage is null ? null : MessageInfo.From(userMessage, 0),
        });

    internal async Task<TurnRunner> CreateAsync(
        TurnRecord turn, Session session, IProvider provider, ProviderConnection connection, IApprovalHandler approvals,
        List<ConversationMessage>? thread, CancellationTokenSource cancellation, CancellationToken cancellationToken) =>
        new(this, turn, session, provider, connection, await ToolsAsync(session, cancellationToken), approvals, new TurnThread(thread), new TurnPrompts(),
            cancellation);
}
