using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Maestro.Core.Events;

/// <summary>
/// Fans session events out to every viewer in this process, and through an <see cref="IEventBridge"/> to other
/// processes. Publishing takes no lock: subscribers are an immutable array swapped on (un)subscribe, each with its own
/// lock-free queue (bounded for network viewers, see <see cref="SubscriptionOptions"/>); a ring of recent events per
/// session lets a reconnecting viewer resume from its last id. Subscribers to every session (the dashboard) get what
/// changes a session's state, never its token deltas.
/// </summary>
public sealed class SessionEventHub
{
    // Enough for a few seconds of a fast stream; a viewer that falls further behind reloads the snapshot instead.
    private const int RingCapacity = 4096;
    // An inbox watcher only needs to know that something changed: past this it resyncs (reads the inbox again).
    private const int InboxBacklog = 256;
    private static readonly long IdleSessionTicks = (long)TimeSpan.FromMinutes(5).TotalMilliseconds;
    private readonly ConcurrentDictionary<Guid, SessionChannel> _sessions = new();
    private readonly TimeProvider _time;
    private readonly IEventBridge? _bridge;
    private readonly Lock _timerLock = new();
    private ImmutableArray<EventQueue> _global = [];
    private ImmutableArray<InboxWatcher> _inbox = [];
    private ITimer? _maintenance;
    private long _lastId;

    public SessionEventHub(TimeProvider time, IEventBridge? bridge = null)
    {
        _time = time;
        _bridge = bridge;
    }

    /// <summary>How often quiet keep-alive subscribers get a "ping", and idle sessions' rings are released.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The id the next event will be given; events after it are newer than anything published so far.</summary>
    public long LastId => Volatile.Read(ref _lastId);

    /// <summary>Publishes an event that happened in this process (and forwards it to other instances).</summary>
    public SessionEvent Publish(SessionEvent e)
    {
        // Stamped in place: the event is new and not yet shared, and this runs for every streamed token.
        e.Id = NextId();
        if (e.At == default)
        {
            e.At = _time.GetUtcNow();
        }

        Deliver(e);
        _bridge?.Forward(e);
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
    public Subscription Subscribe(Guid sessionId, long? afterId = null, SubscriptionOptions? options = null)
    {
        options ??= new SubscriptionOptions();
        var queue = new EventQueue(options.MaxBacklog, options.Inline);
        while (true)
        {
            var channel = _sessions.GetOrAdd(sessionId, _ => new SessionChannel());
            var gap = false;
            lock (channel)
            {
                if (channel.Released)
                {
                    // Swept as idle just now: subscribe to its successor.
                    continue;
                }

                // Under the (rare) subscribe lock: the replay and the live feed cannot overlap or miss an event.
                if (afterId is { } after)
                {
                    var (missed, complete) = channel.Ring.After(after);
                    gap = !complete;
                    foreach (var e in missed)
                    {
                        queue.TryWrite(e);
                    }
                }

                channel.Subscribers = channel.Subscribers.Add(new Subscriber(queue, options.KeepAlive));
            }

            if (options.Inbox)
            {
                ImmutableInterlocked.Update(ref _inbox, a => a.Add(new InboxWatcher(sessionId, queue)));
            }

            if (options.KeepAlive)
            {
                EnsureMaintenance();
            }

            return new Subscription(queue, gap, channel.Wire, () => channel.Subscribers.Length > 1, () =>
            {
                lock (channel)
                {
                    channel.Subscribers = channel.Subscribers.RemoveAll(s => s.Queue == queue);
                }

                if (options.Inbox)
                {
                    ImmutableInterlocked.Update(ref _inbox, a => a.RemoveAll(w => w.Queue == queue));
                }

                queue.Complete();
            });
        }
    }

    /// <summary>The session's events still kept for resuming viewers, oldest first (empty when none are).</summary>
    public IReadOnlyList<SessionEvent> Recent(Guid sessionId) =>
        _sessions.TryGetValue(sessionId, out var channel) ? channel.Ring.After(0).Events : [];

    /// <summary>Every session's events that change its state (the dashboard's live badges): never token deltas.</summary>
    public Subscription SubscribeAll()
    {
        var queue = new EventQueue(int.MaxValue);
        ImmutableInterlocked.Update(ref _global, a => a.Add(queue));
        return new Subscription(queue, false, new WireCache(), () => false, () =>
        {
            ImmutableInterlocked.Update(ref _global, a => a.Remove(queue));
            queue.Complete();
        });
    }

    /// <summary>Every session's approval requests and decisions, nothing else (the approvals inbox and its nav badge).</summary>
    public Subscription SubscribeInbox()
    {
        var queue = new EventQueue(InboxBacklog);
        ImmutableInterlocked.Update(ref _inbox, a => a.Add(new InboxWatcher(Guid.Empty, queue)));
        return new Subscription(queue, false, new WireCache(), () => false, () =>
        {
            ImmutableInterlocked.Update(ref _inbox, a => a.RemoveAll(w => w.Queue == queue));
            queue.Complete();
        });
    }

    /// <summary>
    /// Ids grow with time (100 ns ticks) and never repeat in a process, so ids from different instances and turns
    /// still order correctly for a reconnecting viewer.
    /// </summary>
    private long NextId()
    {
        var now = _time.GetUtcNow().UtcTicks;
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
        channel.LastActive = Environment.TickCount64;
        foreach (var subscriber in channel.Subscribers)
        {
            subscriber.Queue.TryWrite(e);
        }

        if (e.Type != SessionEventTypes.Delta)
        {
            foreach (var queue in _global)
            {
                queue.TryWrite(e);
            }

            if (e.Type is SessionEventTypes.ApprovalRequested or SessionEventTypes.ApprovalResolved)
            {
                foreach (var watcher in _inbox)
                {
                    // A session's own viewers have it already.
                    if (watcher.SessionId != e.SessionId)
                    {
                        watcher.Queue.TryWrite(e);
                    }
                }
            }
        }
    }

    private void EnsureMaintenance()
    {
        if (_maintenance is not null)
        {
            return;
        }

        lock (_timerLock)
        {
            _maintenance ??= _time.CreateTimer(_ => Maintain(), null, KeepAliveInterval, KeepAliveInterval);
        }
    }

    /// <summary>Pings quiet keep-alive subscribers, and lets go of sessions nobody watched or wrote for a while.</summary>
    private void Maintain()
    {
        var now = Environment.TickCount64;
        foreach (var (id, channel) in _sessions)
        {
            var subscribers = channel.Subscribers;
            foreach (var subscriber in subscribers)
            {
                if (subscriber.KeepAlive && subscriber.Queue.WasQuiet())
                {
                    subscriber.Queue.TryWrite(new SessionEvent { SessionId = id, Type = SessionEventTypes.Ping });
                }
            }

            if (subscribers.IsEmpty && now - channel.LastActive > IdleSessionTicks)
            {
                lock (channel)
                {
                    if (channel.Subscribers.IsEmpty)
                    {
                        channel.Released = true;
                        _sessions.TryRemove(new KeyValuePair<Guid, SessionChannel>(id, channel));
                    }
                }
            }
        }
    }

    private sealed record Subscriber(EventQueue Queue, bool KeepAlive);

    /// <param name="SessionId">The session whose own events the queue already gets (none: <see cref="Guid.Empty"/>).</param>
    private sealed record InboxWatcher(Guid SessionId, EventQueue Queue);

    private sealed class SessionChannel
    {
        public ImmutableArray<Subscriber> Subscribers = [];

        public long LastActive = Environment.TickCount64;

        public bool Released;

        public EventRing Ring { get; } = new(RingCapacity);

        public WireCache Wire { get; } = new();
    }
}
