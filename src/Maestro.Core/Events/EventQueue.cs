using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace Maestro.Core.Events;

/// <summary>
/// One subscriber's queue of events: many writers (the turns publishing), one reader (the viewer). Writing takes no
/// lock: an enqueue, an interlocked count and, only when the reader is parked, one wake-up. A bounded queue stops
/// taking events once its backlog passes the bound (the viewer stalled) and says so with <see cref="Overflowed"/>:
/// the viewer then drops the backlog and resumes from a snapshot, so a stalled viewer never holds unbounded memory
/// and never slows the turn or anyone else. An inline queue resumes its parked reader on the writer's thread (no
/// thread hop per event): only for readers that never block and only write to their own buffers.
/// </summary>
internal sealed class EventQueue(int bound, bool inline = false) : ChannelReader<SessionEvent>, IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<SessionEvent> _items = new();
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = !inline };
    private CancellationTokenRegistration _cancellation;
    private int _count;
    private int _waiting;
    private int _overflowed;
    private int _completed;
    private int _active;

    public override bool CanCount => true;

    public override bool CanPeek => true;

    public override int Count => Volatile.Read(ref _count);

    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    public override Task Completion => Task.CompletedTask;

    /// <summary>False when the queue is closed or overflowed (the event is dropped).</summary>
    public bool TryWrite(SessionEvent e)
    {
        if (Volatile.Read(ref _completed) == 1 || Volatile.Read(ref _overflowed) == 1)
        {
            return false;
        }

        if (Interlocked.Increment(ref _count) > bound)
        {
            Interlocked.Decrement(ref _count);
            Volatile.Write(ref _overflowed, 1);
            Wake();
            return false;
        }

        _items.Enqueue(e);
        Volatile.Write(ref _active, 1);
        Wake();
        return true;
    }

    /// <summary>No more events: a parked reader wakes and finds the queue done once it is drained.</summary>
    public void Complete()
    {
        Volatile.Write(ref _completed, 1);
        Wake();
    }

    /// <summary>Whether no event came since the last call (the keep-alive ticker pings quiet viewers only).</summary>
    public bool WasQuiet() => Interlocked.Exchange(ref _active, 0) == 0;

    /// <summary>If the queue overflowed: drops the backlog, takes events again, and returns true (the reader resyncs).</summary>
    public bool TakeOverflow()
    {
        if (Volatile.Read(ref _overflowed) == 0)
        {
            return false;
        }

        while (_items.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }

        Volatile.Write(ref _overflowed, 0);
        return true;
    }

    public override bool TryRead(out SessionEvent item)
    {
        if (_items.TryDequeue(out item!))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    public override bool TryPeek(out SessionEvent item) => _items.TryPeek(out item!);

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (HasSomething(out var result))
        {
            return new ValueTask<bool>(result);
        }

        _waiter.Reset();
        Volatile.Write(ref _waiting, 1);
        // A writer may have come between the check and the flag: look again before parking.
        if (HasSomething(out result) && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            return new ValueTask<bool>(result);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((EventQueue)state!).CancelWait(token), this);
        }

        return new ValueTask<bool>(this, _waiter.Version);
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        _cancellation.Dispose();
        _cancellation = default;
        return _waiter.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);

    /// <summary>True with data (or an overflow to handle); false when completed and drained.</summary>
    private bool HasSomething(out bool result)
    {
        if (!_items.IsEmpty || Volatile.Read(ref _overflowed) == 1)
        {
            result = true;
            return true;
        }

        result = false;
        return Volatile.Read(ref _completed) == 1;
    }

    private void Wake()
    {
        if (Volatile.Read(ref _waiting) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _waiter.SetResult(!_items.IsEmpty || Volatile.Read(ref _overflowed) == 1 || Volatile.Read(ref _completed) == 0);
        }
    }

    private void CancelWait(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _waiter.SetException(new OperationCanceledException(token));
        }
    }
}
