using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>A turn as stored: the model answering one input, with its tool rounds.</summary>
public sealed record TurnRecord(
    Guid Id,
    Guid SessionId,
    Guid ThreadId,
    TurnStatus Status,
    string Owner,
    int Rounds,
    UsageDetails? Usage,
    string? Error,
    bool CancelRequested,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset HeartbeatAt);

public enum TurnStatus
{
    Running,
    Completed,
    Failed,
    Cancelled,
    /// <summary>The process running it stopped (crash, kill) before the turn ended.</summary>
    Interrupted,
}

public static class TurnStatusNames
{
    public static string ToWire(this TurnStatus s) => s switch
    {
        TurnStatus.Running => "running",
        TurnStatus.Completed => "completed",
        TurnStatus.Failed => "failed",
        TurnStatus.Cancelled => "cancelled",
        _ => "interrupted",
    };

    public static TurnStatus Parse(string s) => s switch
    {
        "running" => TurnStatus.Running,
        "completed" => TurnStatus.Completed,
        "failed" => TurnStatus.Failed,
        "cancelled" => TurnStatus.Cancelled,
        _ => TurnStatus.Interrupted,
    };
}

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

    /// <summary>Marks running turns whose owner stopped beating as interrupted (and their streaming messages).</summary>
    Task<int> InterruptStaleAsync(TimeSpan staleAfter, CancellationToken cancellationToken);
}
