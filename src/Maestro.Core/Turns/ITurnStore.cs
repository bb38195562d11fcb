using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>Where turns are recorded: one running turn per session across processes, its heartbeat and its end.</summary>
public interface ITurnStore
{
    /// <summary>
    /// Records a running turn. Only one turn per session runs at a time (across processes): if another is running and
    /// its owner still beats, this throws ConflictException; a turn whose owner stopped beating is marked interrupted.
    /// </summary>
    Task<TurnRecord> StartAsync(Guid sessionId, Guid threadId, string owner, TimeSpan staleAfter, CancellationToken cancellationToken);

    /// <summary>Proves the owner is alive; returns whether someone asked to cancel the turn.</summary>
    Task<bool> HeartbeatAsync(Guid turnId, int rounds, CancellationToken cancellationToken);

    Task FinishAsync(Guid turnId, TurnStatus status, int rounds, UsageDetails? usage, string? error, CancellationToken cancellationToken);

    Task<TurnRecord?> GetAsync(Guid turnId, CancellationToken cancellationToken);

    Task<TurnRecord?> GetRunningAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>Asks the owner (in whatever process) to stop; returns false if the turn is not running.</summary>
    Task<bool> RequestCancelAsync(Guid turnId, CancellationToken cancellationToken);

    Task<IReadOnlyList<TurnRecord>> RunningAsync(CancellationToken cancellationToken);

    /// <summary>Marks one running turn interrupted (its process is known to be gone), with its streaming messages.</summary>
    Task<bool> InterruptAsync(Guid turnId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Marks running turns whose owner stopped beating as interrupted (and their streaming messages), except those of
    /// owners on <paramref name="exceptHost"/>, which are judged by their process instead (<see cref="TurnOwners.HostJudgedByProcess"/>).
    /// </summary>
    Task<int> InterruptStaleAsync(TimeSpan staleAfter, string? exceptHost, CancellationToken cancellationToken);
}
