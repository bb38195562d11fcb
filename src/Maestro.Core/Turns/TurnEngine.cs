using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// Starts, stops and tracks turns. A turn runs in the background of the process that started it and outlives the
/// request or page that asked for it; every viewer follows it through the event hub. Only one turn per session runs at
/// a time, across every process on the database.
/// </summary>
public sealed class TurnEngine : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, TurnRunner> _running = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TurnDependencies _deps;
    private readonly IDisposable _signals;

    public TurnEngine(TurnDependencies deps)
    {
        _deps = deps;
        _signals = deps.Signals.Listen(OnSignal);
    }

    /// <summary>Identifies this process as a turn owner: host, process id, and a random part for restarts.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task<TurnHandle> StartAsync(Guid sessionId, TurnInput input, IApprovalHandler approvals, CancellationToken cancellationToken)
    {
        var session = await _deps.Sessions.GetAsync(sessionId, cancellationToken) ?? throw new NotFoundException("That session no longer exists.");
        if (!input.ResubmitLast && string.IsNullOrWhiteSpace(input.Text) && input.Attachments is not { Count: > 0 })
        {
            throw new ValidationFailedException("prompt", "The prompt is empty.");
        }

        if (session.Auth is not { } authRef)
        {
            throw new ValidationFailedException("auth", $"Session '{session.Name}' has no auth (it was deleted). Choose one with `maestro session edit {session.Name} --auth provider/name`.");
        }

        if (session.WorkingDirectory is { } dir && !Directory.Exists(dir))
        {
            throw new ValidationFailedException("working_directory", $"The working directory '{dir}' of session '{session.Name}' does not exist.");
        }

        // Resolve the auth and provider now, so a missing or logged-out auth is reported before anything is saved.
        var stored = await _deps.Auths.GetWithCredentialsAsync(authRef, cancellationToken);
        var (provider, connection) = _deps.Connections.Connect(stored);

        var threadId = session.CurrentThreadId ?? await NewThreadAsync(session, cancellationToken);
        if (await _deps.Turns.GetRunningAsync(session.Id, cancellationToken) is { } previous && TurnOwners.IsDeadOnThisHost(previous.Owner))
        {
            // Left behind by a process of this machine that died: its turn is over.
            await _deps.Turns.InterruptAsync(previous.Id, "The process running this turn stopped before it finished.", cancellationToken);
        }

        var turn = await _deps.Turns.StartAsync(session.Id, threadId, Owner, _deps.Options.StaleAfter, cancellationToken);
        try
        {
            var scope = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            ConversationMessage? userMessage = null;
            if (!input.ResubmitLast)
            {
                var contents = new List<AIContent>();
                if (!string.IsNullOrWhiteSpace(input.Text))
                {
                    contents.Add(new TextContent(input.Text));
                }

                contents.AddRange(input.Attachments ?? []);
                userMessage = await _deps.Conversations.AppendAsync(
                    new NewMessage(threadId, MessageRole.User, contents, MessageStatus.Complete, turn.Id), cancellationToken);
            }

            _deps.Events.Publish(new SessionEvent
            {
                SessionId = session.Id,
                Type = SessionEventTypes.TurnStarted,
                TurnId = turn.Id,
                MessageId = userMessage?.Id,
                Turn = new TurnInfo("running", 0, input.ResubmitLast ? null : input.Text),
                Message = userMessage is null ? null : MessageInfo.From(userMessage, 0),
            });

            var tools = await ToolsAsync(session, cancellationToken);
            var runner = new TurnRunner(_deps, turn, session with { CurrentThreadId = threadId }, provider, connection, tools, approvals, scope);
            _running[session.Id] = runner;
            var completion = RunAsync(runner);
            return new TurnHandle(turn.Id, session.Id, threadId, completion);
        }
        catch
        {
            await _deps.Turns.FinishAsync(turn.Id, TurnStatus.Failed, 0, null, "The turn could not start.", CancellationToken.None);
            throw;
        }
    }

    /// <summary>Stops the session's running turn, wherever it runs. Returns false if none was running.</summary>
    public async Task<bool> StopAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(sessionId, out var local))
        {
            local.Cancel();
            return true;
        }

        var running = await _deps.Turns.GetRunningAsync(sessionId, cancellationToken);
        if (running is null || !await _deps.Turns.RequestCancelAsync(running.Id, cancellationToken))
        {
            return false;
        }

        _deps.Signals.Send(new TurnSignal(TurnSignal.CancelRequested, running.Id));
        return true;
    }

    /// <summary>The turn running in this process for the session, as a snapshot for a viewer that (re)connects.</summary>
    public LiveTurn? Live(Guid sessionId) => _running.TryGetValue(sessionId, out var runner) ? runner.Snapshot() : null;

    public bool IsRunningHere(Guid sessionId) => _running.ContainsKey(sessionId);

    /// <summary>The tools a session would get now (built-ins it enabled, its MCP servers' tools).</summary>
    public async Task<ToolSet> ToolsAsync(Session session, CancellationToken cancellationToken)
    {
        var request = new ToolSourceRequest(session.Id, session.EnabledTools, session.McpServerIds);
        var tools = new List<MaestroTool>();
        foreach (var source in _deps.ToolSources)
        {
            tools.AddRange(await source.GetToolsAsync(request, cancellationToken));
        }

        // File and shell tools need a working directory; without one the session is a plain chat.
        if (session.WorkingDirectory is null)
        {
            tools.RemoveAll(t => t.Definition.Source == ToolDefinition.BuiltIn && t.Definition.Effect != ToolEffect.Network);
        }

        return new ToolSet(tools);
    }

    public async ValueTask DisposeAsync()
    {
        _signals.Dispose();
        await _shutdown.CancelAsync();

        foreach (var runner in _running.Values)
        {
            try
            {
                await runner.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                _deps.Logger.LogWarning("Turn {TurnId} did not stop in time during shutdown.", runner.TurnId);
            }
        }

        _shutdown.Dispose();
    }

    private async Task<TurnOutcome> RunAsync(TurnRunner runner)
    {
        try
        {
            // Off the caller's context: the turn must not be tied to the request that started it.
            await Task.Yield();
            return await runner.RunAsync();
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<Guid, TurnRunner>(runner.SessionId, runner));
        }
    }

    private async Task<Guid> NewThreadAsync(Session session, CancellationToken cancellationToken)
    {
        var thread = await _deps.Conversations.CreateThreadAsync(session.Id, null, cancellationToken);
        await _deps.Sessions.UpdateAsync(session with { CurrentThreadId = thread.Id }, cancellationToken);
        return thread.Id;
    }

    private void OnSignal(TurnSignal signal)
    {
        if (signal.Kind != TurnSignal.CancelRequested)
        {
            return;
        }

        foreach (var runner in _running.Values)
        {
            if (runner.TurnId == signal.Id)
            {
                runner.Cancel();
            }
        }
    }
}

/// <summary>Everything a turn needs, gathered once (keeps the engine's and the runner's constructors readable).</summary>
public sealed record TurnDependencies(
    ISessionStore Sessions,
    IConversationStore Conversations,
    ITurnStore Turns,
    IApprovalStore Approvals,
    AuthService Auths,
    ProviderConnections Connections,
    ContextAssembler Assembler,
    ContextCompactor Compactor,
    ToolExecutor Executor,
    IEnumerable<IToolSource> ToolSources,
    ToolLimits ToolLimits,
    SessionEventHub Events,
    TurnSignals Signals,
    TurnEngineOptions Options,
    TimeProvider Time,
    ILogger<TurnEngine> Logger,
    Telemetry.MaestroMetrics Metrics);
