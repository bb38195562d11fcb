using System.Runtime.CompilerServices;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Wraps a response stream so that a stream sending nothing for <c>idleTimeout</c> fails instead of hanging for ever.
/// One timer per stream checks a timestamp that each read updates, so a read costs no allocation.
/// </summary>
public sealed class IdleTimeoutStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private long _lastActivity;
    private volatile bool _timedOut;

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
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    // A read that waits for the network (every token of a paced stream) would box this state machine each time; the
    // pooling builder reuses the boxes, so a streamed token costs no allocation here.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            // The caller's token was linked at construction (readers pass it again with every read); a different one
            // (rare) is linked here.
            int read;
            if (cancellationToken.CanBeCanceled && cancellationToken != _callerToken && cancellationToken != _cancel.Token)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancel.Token);
                read = await _inner.ReadAsync(buffer, linked.Token);
            }
            else
            {
                read = await _inner.ReadAsync(buffer, _cancel.Token);
            }

            Volatile.Write(ref _lastActivity, _time.GetTimestamp());
            return read;
        }
        catch (OperationCanceledException) when (_timedOut)
        {
            throw new TimeoutException($"no data arrived for {_idleTimeout.TotalSeconds:0} s");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
