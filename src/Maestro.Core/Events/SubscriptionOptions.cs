namespace Maestro.Core.Events;

/// <summary>How a subscriber is fed.</summary>
/// <param name="MaxBacklog">
/// Events that may wait for the subscriber; past it the backlog is dropped and <see cref="Subscription.TakeOverflow"/>
/// tells the subscriber to resync from a snapshot. Unbounded for in-process readers that must see every event.
/// </param>
/// <param name="KeepAlive">Quiet subscribers get a "ping" event every keep-alive interval (network viewers).</param>
/// <param name="Inline">
/// A parked reader resumes on the publishing thread, saving a thread hop per event. Only for a reader that never blocks
/// and does little before it waits again (it writes to its own connection's buffer and flushes without waiting).
/// </param>
/// <param name="Inbox">
/// Also receives every other session's approval requests and decisions (a chat tab's nav badge follows the inbox on
/// the tab's one stream instead of opening a second connection).
/// </param>
public sealed record SubscriptionOptions(int MaxBacklog = int.MaxValue, bool KeepAlive = false, bool Inline = false, bool Inbox = false)
{
    /// <summary>A viewer over the network: a bounded backlog and keep-alive pings.</summary>
    public static SubscriptionOptions Viewer { get; } = new(MaxBacklog: 2048, KeepAlive: true);
}
