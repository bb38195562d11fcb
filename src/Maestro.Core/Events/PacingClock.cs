using System.Collections.Concurrent;

namespace Maestro.Core.Events;

/// <summary>
/// One ticking clock per interval for the whole process, for work that is batched per interval on every stream (a
/// provider stream read at most once per tick, a viewer flushed at most once per tick). Thousands of streams waiting
/// for the next tick share one timer and one task, instead of each arming its own <see cref="Task.Delay(TimeSpan)"/>:
/// with a timer per wait, the timer thread woke for every one of them and the timer queue's lock was contended on every
/// paced read and flush. The clock stops when nobody waited for a whole interval and starts again with the next wait.
/// </summary>
public sealed class PacingClock
{
    private static readonly ConcurrentDictionary<TimeSpan, PacingClock> Clocks = new();
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _tick;
    private int _asked;
    private volatile bool _running;

    private PacingClock(TimeSpan interval)
    {
        _interval = interval;
        _timer = TimeProvider.System.CreateTimer(static s => ((PacingClock)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The process's clock ticking every <paramref name="interval"/> (a positive interval).</summary>
    public static PacingClock Every(TimeSpan interval) =>
        interval > TimeSpan.Zero
            ? Clocks.GetOrAdd(interval, static i => new PacingClock(i))
            : throw new ArgumentOutOfRangeException(nameof(interval), interval, "A pacing interval is positive.");

    /// <summary>How many ticks have passed: work done at the same count was done within one interval.</summary>
    public long Tick => Volatile.Read(ref _tick);

    /// <summary>Whether the timer is armed (it stops after an interval with nobody waiting).</summary>
    internal bool Running => _running;

    /// <summary>
    /// Completes at the next tick (within one interval). Its continuations run on the thread pool, never on the timer's
    /// thread, so the streams woken together still run in parallel.
    /// </summary>
    public Task NextTickAsync()
    {
        if (Volatile.Read(ref _asked) == 0)
        {
            Interlocked.Exchange(ref _asked, 1);
        }

        var next = Volatile.Read(ref _next).Task;
        if (!_running)
        {
            Start();
        }

        return next;
    }

    private void Start()
    {
        lock (_gate)
        {
            if (!_running)
            {
                _running = true;
                _timer.Change(_interval, _interval);
            }
        }
    }

    private void OnTick()
    {
        var waited = Interlocked.Exchange(ref _asked, 0) == 1;
        Interlocked.Increment(ref _tick);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
        if (waited)
        {
            return;
        }

        lock (_gate)
        {
            // Nobody waited for a whole interval: stop, unless a wait came in just now (it saw the clock running and
            // did not start it, so the clock must keep going for it).
            _running = false;
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _asked) == 1)
            {
                _running = true;
            }
            else
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }
}
