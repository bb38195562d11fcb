using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Wraps a response stream so that a stream sending nothing for <c>idleTimeout</c> fails instead of hanging for ever.
/// One timer per stream checks a timestamp that each read updates, and a read that waits completes through one reusable
/// source per stream, so a read costs no allocation.
/// </summary>
public sealed class IdleTimeoutStream : Stream, IValueTaskSource<int>
{
    private readonly Stream _inner;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private readonly Action _onReadCompleted;
    private long _lastActivity;
    private volatile bool _timedOut;

    // The read in progress (a stream has one at a time) and the source its caller awaits.
    private ManualResetValueTaskSourceCore<int> _pending;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _pendingRead;

    public IdleTimeoutStream(Stream inner, TimeSpan idleTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        _inner = inner;
        _idleTimeout = idleTimeout;
        _time = time;
        _callerToken = cancellationToken;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _lastActivity = time.GetTimestamp();
        var period = TimeSpan.FromMilliseconds(Math.Max(250, idleTimeout.TotalMilliseconds / 4));
        _timer = time.CreateTimer(static s => ((IdleTimeoutStream)s!).Check(), this, period, period);
        _onReadCompleted = OnReadCompleted;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The caller's token was linked at construction (readers pass it again with every read); a different one (rare)
        // is linked for that read.
        if (cancellationToken.CanBeCanceled && cancellationToken != _callerToken && cancellationToken != _cancel.Token)
        {
            return ReadLinkedAsync(buffer, cancellationToken);
        }

        ValueTask<int> read;
        try
        {
            read = _inner.ReadAsync(buffer, _cancel.Token);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<int>(Failure(ex));
        }

        if (read.IsCompleted)
        {
            try
            {
                return new ValueTask<int>(Touch(read.Result));
            }
            catch (Exception ex)
            {
                // As from an async method: the failure is in the returned task, not thrown by the call.
                return ValueTask.FromException<int>(Failure(ex));
            }
        }

        // A read that waits for the network (every tick of a paced stream) completes through this stream's one reusable
        // source instead of a state machine boxed per read: a pooled box was rented by a thousand streams at the same
        // tick, so the pool missed nearly always.
        _pending.Reset();
        _pendingRead = read.ConfigureAwait(false).GetAwaiter();
        _pendingRead.UnsafeOnCompleted(_onReadCompleted);
        return new ValueTask<int>(this, _pending.Version);
    }

    int IValueTaskSource<int>.GetResult(short token) => _pending.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void OnReadCompleted()
    {
        var read = _pendingRead;
        _pendingRead = default;
        try
        {
            _pending.SetResult(Touch(read.GetResult()));
        }
        catch (Exception ex)
        {
            _pending.SetException(Failure(ex));
        }
    }

    private async ValueTask<int> ReadLinkedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancel.Token);
            return Touch(await _inner.ReadAsync(buffer, linked.Token));
        }
        catch (OperationCanceledException) when (_timedOut)
        {
            throw IdleTimeout();
        }
    }

    private int Touch(int read)
    {
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        return read;
    }

    private TimeoutException IdleTimeout() => new($"no data arrived for {_idleTimeout.TotalSeconds:0} s");

    /// <summary>A read cancelled by the idle check is a timeout; anything else is the read's own failure.</summary>
    private Exception Failure(Exception ex) => ex is OperationCanceledException && _timedOut ? IdleTimeout() : ex;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
            _cancel.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check()
    {
        if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity)) > _idleTimeout)
        {
            _timedOut = true;
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream finished while the timer fired.
            }
        }
    }
}
