using Maestro.Core.Conversations;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns.Persistence;

/// <summary>Writes what <see cref="TurnPersister"/> gathered from every running turn, in a few statements per batch.</summary>
public interface ITurnProgressStore
{
    /// <summary>Writes the batch; returns the beating turns whose stop was requested (by another process).</summary>
    Task<IReadOnlyCollection<Guid>> WriteAsync(TurnProgressBatch batch, CancellationToken cancellationToken);
}

/// <param name="Snapshots">Partial contents of messages still streaming (a message already finished is left alone).</param>
/// <param name="Finals">Messages' final states, written after the snapshots.</param>
/// <param name="Ends">Turns that ended; their pending approvals expire.</param>
/// <param name="Beats">Running turns proving their process is alive.</param>
public sealed record TurnProgressBatch(
    IReadOnlyList<MessageProgress> Snapshots,
    IReadOnlyList<MessageProgress> Finals,
    IReadOnlyList<TurnEnd> Ends,
    IReadOnlyList<TurnBeat> Beats,
    DateTimeOffset At)
{
    public int Count => Snapshots.Count + Finals.Count + Ends.Count + Beats.Count;
}

public sealed record MessageProgress(Guid MessageId, MessageUpdate Update);

public sealed record TurnEnd(Guid TurnId, TurnStatus Status, int Rounds, UsageDetails? Usage, string? Error);

public sealed record TurnBeat(Guid TurnId, int Rounds);
