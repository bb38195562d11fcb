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
