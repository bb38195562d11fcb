using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;

namespace Maestro.Core.Events;

/// <summary>
/// Fans session events out to every viewer in this process, and through an <see cref="IEventBridge"/> to other
/// processes. Publishing takes no lock: subscribers are an immutable array swapped on (un)subscribe, each with its
/// own unbounded channel; a ring of recent events per session lets a reconnecting viewer resume from its last id.
/// </summary>
public sealed class SessionEventHub(TimeProvider time, IEventBridge? bridge = null)
{
    // Enough for a few seconds of a fast stream; a viewer that falls further behind reloads the snapshot instead.
    private const int RingCapacity = 4096;
    private readonly ConcurrentDictionary<Guid, SessionChannel> _sessions = new();
    private ImmutableArray<Subscriber> _global = [];
    private long _lastId;

    /// <summary>Publishes an event that happened in this process (and forwards it to other instances).</summary>
    public SessionEvent Publish(SessionEvent e)
    {
        // Stamped in place: the event is new and not yet shared, and this runs for every streamed token.
        e.Id = NextId();
        if (e.At == default)
        {
            e.At = time.GetUtcNow();
        }

        Deliver(e);
        bridge?.Forward(e);
        return e;
    }

    /// <summary>Delivers an event that another instance published; it keeps its id and is not forwarded again.</summary>
    public void PublishRemote(SessionEvent e)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _lastId);
        }
        while (e.Id > seen && Interlocked.CompareExchange(ref _lastId, e.Id, seen) != seen);

        Deliver(e);
    }

    /// <summary>
    /// Subscribes to one session. With <paramref name="afterId"/>, the events after it that are still in the ring are
    /// delivered first; <see cref="Subscription.Gap"/> says when some were already gone (the viewer should reload).
    /// </summary>
    public Subscription Subscribe(Guid sessionId, long? afterId = null)
    {
        var channel = _sessions.GetOrAdd(sessionId, _ => new SessionChannel());
        var subscriber = new Subscriber(Channel.CreateUnbounded<SessionEvent>(new UnboundedChannelOptions { SingleReader = true }));
        var gap = false;
        lock (channel)
        {
            // Under the (rare) subscribe lock: the replay and the live feed cannot overlap or miss an event.
            if (afterId is { } after)
            {
                var (missed, complete) = channel.Ring.After(after);
                gap = !complete;
                foreach (var e in missed)
                {
                    subscriber.Channel.Writer.TryWrite(e);
                }
            }

            channel.Subscribers = channel.Subscribers.Add(subscriber);
        }

        return new Subscription(subscriber.Channel.Reader, gap, () =>
        {
            lock (channel)
            {
                channel.Subscribers = channel.Subscribers.Remove(subscriber);
            }

            subscriber.Channel.Writer.TryComplete();
        });
    }

    /// <summary>Every session's events (the dashboard's live badges).</summary>
    public Subscription SubscribeAll()
    {
        var subscriber = new Subscriber(Channel.CreateUnbounded<SessionEvent>(new UnboundedChannelOptions { SingleReader = true }));
        ImmutableInterlocked.Update(ref _global, a => a.Add(subscriber));
        return new Subscription(subscriber.Channel.Reader, false, () =>
        {
            ImmutableInterlocked.Update(ref _global, a => a.Remove(subscriber));
            subscriber.Channel.Writer.TryComplete();
        });
    }

    /// <summary>The id the next event will be given; events after it are newer than anything published so far.</summary>
    public long LastId => Volatile.Read(ref _lastId);

    /// <summary>
    /// Ids grow with time (100 ns ticks) and never repeat in a process, so ids from different instances and turns
    /// still order correctly for a reconnecting viewer.
    /// </summary>
    private long NextId()
    {
        var now = time.GetUtcNow().UtcTicks;
        long seen, next;
        do
        {
            seen = Volatile.Read(ref _lastId);
            next = Math.Max(seen + 1, now);
        }
        while (Interlocked.CompareExchange(ref _lastId, next, seen) != seen);

        return next;
    }

    private void Deliver(SessionEvent e)
    {
        var channel = _sessions.GetOrAdd(e.SessionId, _ => new SessionChannel());
        channel.Ring.Add(e);
        foreach (var subscriber in channel.Subscribers)
        {
            subscriber.Channel.Writer.TryWrite(e);
        }

        foreach (var subscriber in _global)
        {
            subscriber.Channel.Writer.TryWrite(e);
        }
    }

    private sealed record Subscriber(Channel<SessionEvent> Channel);

    private sealed class SessionChannel
    {
        public ImmutableArray<Subscriber> Subscribers = [];

        public EventRing Ring { get; } = new(RingCapacity);
    }

    /// <summary>A fixed ring of the latest events; writers claim slots with one interlocked increment.</summary>
    private sealed class EventRing(int capacity)
    {
        private readonly SessionEvent?[] _items = new SessionEvent?[capacity];
        private long _count;

        public void Add(SessionEvent e)
        {
            var slot = Interlocked.Increment(ref _count) - 1;
            Volatile.Write(ref _items[slot % capacity], e);
        }

        public (List<SessionEvent> Events, bool Complete) After(long afterId)
        {
            var count = Volatile.Read(ref _count);
            var first = Math.Max(0, count - capacity);
            var result = new List<SessionEvent>();
            var oldest = long.MaxValue;
            for (var i = first; i < count; i++)
            {
                if (Volatile.Read(ref _items[i % capacity]) is not { } e)
                {
                    continue;
                }

                oldest = Math.Min(oldest, e.Id);
                if (e.Id > afterId)
                {
                    result.Add(e);
                }
            }

            result.Sort((a, b) => a.Id.CompareTo(b.Id));
            // Complete when nothing was ever dropped, or the ring still reaches back to the requested id.
            return (result, count <= capacity || oldest <= afterId);
        }
    }
}

/// <summary>A viewer's feed; dispose to stop receiving.</summary>
public sealed class Subscription(ChannelReader<SessionEvent> reader, bool gap, Action unsubscribe) : IDisposable
{
    public ChannelReader<SessionEvent> Reader { get; } = reader;

    /// <summary>Some events after the requested id were no longer kept; reload the session's state.</summary>
    public bool Gap { get; } = gap;

    /// <summary>
    /// The next event, or null when none came within <paramref name="quiet"/> (time for a keep-alive ping) or the
    /// viewer went away (<paramref name="cancellationToken"/> cancelled; the caller checks it).
    /// </summary>
    public async Task<SessionEvent?> NextAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        if (Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(quiet);
        try
        {
            return await Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose() => unsubscribe();
}

/// <summary>Carries events to other Maestro instances on the same database (PostgreSQL LISTEN/NOTIFY).</summary>
public interface IEventBridge
{
    /// <summary>Queues a local event for other instances; must not block (it is called per streamed token).</summary>
    void Forward(SessionEvent e);
}
