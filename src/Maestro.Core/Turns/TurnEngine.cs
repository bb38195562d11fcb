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

    // Turns this engine began and has not finished, by id: from the row's insert, before a runner exists, to the end.
    private readonly ConcurrentDictionary<Guid, byte> _held = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITurnStartStore _starts;
    private readonly ITurnStore _turns;
    private readonly TurnAdmission _admission;
    private readonly ProviderConnections _connections;
    private readonly TurnSignals _signalBus;
    private readonly TurnRunnerFactory _runners;
    private readonly TurnEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TurnEngine> _logger;
    private readonly IDisposable _signals;

    public TurnEngine(
        ITurnStartStore starts,
        ITurnStore turns,
        TurnAdmission admission,
        ProviderConnections connections,
        TurnSignals signals,
        TurnRunnerFactory runners,
        TurnEngineOptions options,
        TimeProvider time,
        ILogger<TurnEngine> logger)
    {
        _starts = starts;
        _turns = turns;
        _admission = admission;
        _connections = connections;
        _signalBus = signals;
        _runners = runners;
        _options = options;
        _time = time;
        _logger = logger;
        _signals = signals.Listen(OnSignal);
    }

    /// <summary>Identifies this process as a turn owner (see <see cref="TurnOwners"/>).</summary>
    public string Owner { get; } = TurnOwners.ForThisProcess();

    /// <summary>Starts a turn in the session with this id.</summary>
    /// <exception cref="BusyException">The running-turn limit is reached; nothing was written.</exception>
    public Task<TurnHandle> StartAsync(Guid sessionId, TurnInput input, IApprovalHandler approvals, CancellationToken cancellationToken) =>
        StartAsync(
            async ct => await _starts.LoadAsync(sessionId, ct) ?? throw new NotFoundException("That session no longer exists."),
            input, approvals, cancellationToken);

    /// <summary>Starts a turn in the session with this name (or id): the lookup is part of the start's one read.</summary>
    /// <exception cref="BusyException">The running-turn limit is reached; nothing was written.</exception>
    public Task<TurnHandle> StartAsync(string session, TurnInput input, IApprovalHandler approvals, CancellationToken cancellationToken) =>
        StartAsync(
            async ct => await _starts.LoadAsync(session, ct)
                ?? throw new NotFoundException($"No session named '{session}'.", "See `maestro session list` for your sessions."),
            input, approvals, cancellationToken);

    /// <summary>
    /// Admission first (no database work for a refused turn), then one read (session, auth, running turn) and one
    /// transaction (thread if new, turn, user message): a turn that cannot start leaves nothing behind.
    /// </summary>
    private async Task<TurnHandle> StartAsync(
        Func<CancellationToken, Task<TurnStartState>> load, TurnInput input, IApprovalHandler approvals, CancellationToken cancellationToken)
    {
        if (!input.ResubmitLast && string.IsNullOrWhiteSpace(input.Text) && input.Attachments is not { Count: > 0 })
        {
            throw new ValidationFailedException("prompt", "The prompt is empty.");
        }

        var lease = _admission.Enter();
        try
        {
            var state = await load(cancellationToken);
            var session = state.Session;
            if (session.Auth is null || state.Auth is not { } stored)
            {
                throw new ValidationFailedException("auth", $"Session '{session.Name}' has no auth (it was deleted). Choose one with `maestro session edit {session.Name} --auth provider/name`.");
            }

            if (session.WorkingDirectory is { } dir && !Directory.Exists(dir))
            {
                throw new ValidationFailedException("working_directory", $"The working directory '{dir}' of session '{session.Name}' does not exist.");
            }

            // The provider now, so a missing provider or a logged-out auth is reported before anything is saved.
            var (provider, connection) = _connections.Connect(stored);
            Conversations.Attachments.AttachedFiles.Check(input.Attachments, provider.Descriptor);
            if (state.Running is { } previous)
            {
                await ClaimAsync(previous, cancellationToken);
            }

            List<AIContent>? contents = null;
            if (!input.ResubmitLast)
            {
                contents = [];
                if (!string.IsNullOrWhiteSpace(input.Text))
                {
                    contents.Add(new TextContent(input.Text));
                }

                contents.AddRange(input.Attachments ?? []);
            }

            var begun = await _starts.BeginAsync(new TurnBegin(session.Id, session.CurrentThreadId, Owner, contents), cancellationToken);
            _held[begun.Turn.Id] = 0;
            var handle = Launch(begun, session, provider, connection, input, approvals, lease, cancellationToken);
            return await handle;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether a turn recorded as running is over though nobody ended it, so recovery or a new start may take it over:
    /// its process on this host is gone; or it is this engine's and this engine no longer runs it (its end could not be
    /// written) and its heartbeat is stale; or it runs on another host and its heartbeat is stale. A live process on
    /// this host keeps its turns however late its heartbeats: when it is busy (thousands of turns, a saturated database)
    /// they are late, and taking its turns would end answers that are still streaming.
    /// </summary>
    public bool IsAbandoned(TurnRecord turn)
    {
        if (TurnOwners.IsDeadOnThisHost(turn.Owner))
        {
            return true;
        }

        var stale = turn.HeartbeatAt < _time.GetUtcNow() - _options.StaleAfter;
        if (turn.Owner == Owner)
        {
            return stale && !_held.ContainsKey(turn.Id);
        }

        return stale && TurnOwners.JudgedByHeartbeat(turn.Owner);
    }

    /// <summary>A turn still recorded as running: taken over when it was abandoned, else the start is refused.</summary>
    private async Task ClaimAsync(TurnRecord previous, CancellationToken cancellationToken)
    {
        if (IsAbandoned(previous))
        {
            await _turns.InterruptAsync(previous.Id, "The process running this turn stopped before it finished.", cancellationToken);
            return;
        }

        throw new ConflictException(
            $"A turn is already running in this session (started {previous.StartedAt.ToLocalTime():HH:mm:ss}).",
            "session",
            "Wait for it to finish, or stop it first (/stop, `maestro session stop`, or the Stop button).");
    }

    private async Task<TurnHandle> Launch(
        BegunTurn begun, Session session, IProvider provider, ProviderConnection connection, TurnInput input, IApprovalHandler approvals,
        TurnAdmission.Lease lease, CancellationToken cancellationToken)
    {
        var turn = begun.Turn;
        try
        {
            var scope = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            var userMessage = begun.UserMessage;
            _runners.Announce(turn, session.Id, userMessage, input);
            var runner = await _runners.CreateAsync(
                turn, session with { CurrentThreadId = begun.ThreadId }, provider, connection, approvals, begun.Thread, scope, cancellationToken);
            _running[session.Id] = runner;
            var completion = RunAsync(runner, lease);
            return new TurnHandle(turn.Id, session.Id, begun.ThreadId, completion);
        }
        catch
        {
            await _turns.FinishAsync(turn.Id, TurnStatus.Failed, 0, null, "The turn could not start.", CancellationToken.None);
            _held.TryRemove(turn.Id, out _);
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

        var running = await _turns.GetRunningAsync(sessionId, cancellationToken);
        if (running is null || !await _turns.RequestCancelAsync(running.Id, cancellationToken))
        {
            return false;
        }

        _signalBus.Send(new TurnSignal(TurnSignal.CancelRequested, running.Id));
        return true;
    }

    /// <summary>The turn running in this process for the session, as a snapshot for a viewer that (re)connects.</summary>
    public LiveTurn? Live(Guid sessionId) => _running.TryGetValue(sessionId, out var runner) ? runner.Snapshot() : null;

    public bool IsRunningHere(Guid sessionId) => _running.ContainsKey(sessionId);

    /// <summary>The tools a session would get now (built-ins it enabled, its MCP servers' tools).</summary>
    public Task<ToolSet> ToolsAsync(Session session, CancellationToken cancellationToken) => _runners.ToolsAsync(session, cancellationToken);

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
                _logger.LogWarning("Turn {TurnId} did not stop in time during shutdown.", runner.TurnId);
            }
        }

        _shutdown.Dispose();
    }

    private async Task<TurnOutcome> RunAsync(TurnRunner runner, TurnAdmission.Lease lease)
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
            _held.TryRemove(runner.TurnId, out _);
            lease.Dispose();
        }
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
