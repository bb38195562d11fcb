using System.Threading.Channels;

namespace Maestro.Core.Events;

/// <summary>A viewer's feed; dispose to stop receiving.</summary>
public sealed class Subscription : IDisposable
{
    private readonly EventQueue _queue;
    private readonly Func<bool> _shared;
    private readonly Action _unsubscribe;

    internal Subscription(EventQueue queue, bool gap, WireCache wire, Func<bool> shared, Action unsubscribe)
    {
        _queue = queue;
        Gap = gap;
        Wire = wire;
        _shared = shared;
        _unsubscribe = unsubscribe;
    }

    public ChannelReader<SessionEvent> Reader => _queue;

    /// <summary>Some events after the requested id were no longer kept; reload the session's state.</summary>
    public bool Gap { get; }

    /// <summary>The session's shared wire form of its latest event (serialize once for all viewers).</summary>
    public WireCache Wire { get; }

    /// <summary>Whether other viewers watch the same session now (sharing serialized events pays off).</summary>
    public bool Shared => _shared();

    /// <summary>
    /// True once after the backlog passed the subscription's bound: the backlog is dropped and the subscriber should
    /// resync from a snapshot (events after it keep coming).
    /// </summary>
    public bool TakeOverflow() => _queue.TakeOverflow();

    /// <summary>Ends the feed: a pending read returns, and the reader finds no more events once drained.</summary>
    public void Close() => _queue.Complete();

    /// <summary>
    /// The next event, or null when none came within <paramref name="quiet"/> (time for a keep-alive ping) or the
    /// viewer went away (<paramref name="cancellationToken"/> cancelled; the caller checks it).
    /// </summary>
    public async Task<SessionEvent?> NextAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        if (_queue.TryRead(out var ready))
        {
            return ready;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(quiet);
        try
        {
            return await _queue.ReadAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    public void Dispose() => _unsubscribe();
}
