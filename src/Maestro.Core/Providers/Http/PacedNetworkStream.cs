using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Maestro.Core.Events;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// The socket stream of a provider connection (<see cref="SocketsHttpHandler.ConnectCallback"/>). While a paced turn
/// reads through it (<see cref="TransportPacing.Current"/>), a read that follows one which emptied the socket within the
/// current tick of the pacing clock waits for the next tick and then takes everything that arrived meanwhile in one
/// receive. Without it the read would arm the socket at once: every token would wake the process, be received on its
/// own, and be followed by a receive that finds nothing, only for the token to wait for the tick anyway. A steady stream
/// now costs one receive and one wake-up per tick. The first read of a tick, and every read nobody paces (the request
/// and response headers, the gateway, HTTP/2's frame loop), go straight to the socket; a token that ends a quiet tick
/// is never delayed.
/// </summary>
internal sealed class PacedNetworkStream(Socket socket) : NetworkStream(socket, ownsSocket: true), IValueTaskSource<int>
{
    // The read in progress (one at a time, as for any stream) and the source its caller awaits.
    private ManualResetValueTaskSourceCore<int> _pending;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _receive;
    private ConfiguredTaskAwaitable.ConfiguredTaskAwaiter _tick;
    private Memory<byte> _buffer;
    private CancellationToken _token;
    private PacingClock? _clock;
    private Action? _onReceived;
    private Action? _onTick;

    // The tick in which a receive last left the socket empty (it returned less than it could hold); -1 when unknown.
    private long _drainedAt = -1;

    /// <summary>Connects like the handler's own default (a dual-mode TCP socket without Nagle's delay).</summary>
    public static ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        ConnectAsync(context.DnsEndPoint, cancellationToken);

    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new PacedNetworkStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TransportPacing.Current is not { } pacing || buffer.IsEmpty)
        {
            _drainedAt = -1;
            return base.ReadAsync(buffer, cancellationToken);
        }

        pacing.Engaged = true;
        var clock = pacing.Clock;
        if (_drainedAt != clock.Tick)
        {
            return Receive(buffer, clock, cancellationToken);
        }

        _pending.Reset();
        _buffer = buffer;
        _token = cancellationToken;
        _clock = clock;
        _tick = clock.NextTickAsync().ConfigureAwait(false).GetAwaiter();
        _tick.UnsafeOnCompleted(_onTick ??= OnTick);
        return new ValueTask<int>(this, _pending.Version);
    }

    private ValueTask<int> Receive(Memory<byte> buffer, PacingClock clock, CancellationToken cancellationToken)
    {
        var receive = base.ReadAsync(buffer, cancellationToken);
        if (receive.IsCompletedSuccessfully)
        {
            return new ValueTask<int>(Received(receive.Result, buffer.Length, clock));
        }

        if (receive.IsCompleted)
        {
            return receive;
        }

        _pending.Reset();
        _buffer = buffer;
        _clock = clock;
        Await(receive);
        return new ValueTask<int>(this, _pending.Version);
    }

    private void Await(ValueTask<int> receive)
    {
        _receive = receive.ConfigureAwait(false).GetAwaiter();
        _receive.UnsafeOnCompleted(_onReceived ??= OnReceived);
    }

    private int Received(int count, int room, PacingClock clock)
    {
        _drainedAt = count > 0 && count < room ? clock.Tick : -1;
        return count;
    }

    private void OnTick()
    {
        _tick.GetResult();
        _tick = default;
        try
        {
            // Disposed meanwhile (the request was cancelled): this throws, and the reader gets the failure.
            var receive = base.ReadAsync(_buffer, _token);
            _token = default;
            if (!receive.IsCompleted)
            {
                Await(receive);
                return;
            }

            Complete(receive.GetAwaiter().GetResult());
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void OnReceived()
    {
        var receive = _receive;
        _receive = default;
        try
        {
            Complete(receive.GetResult());
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Complete(int count)
    {
        var result = Received(count, _buffer.Length, _clock!);
        _buffer = default;
        _clock = null;
        _pending.SetResult(result);
    }

    private void Fail(Exception ex)
    {
        _buffer = default;
        _clock = null;
        _pending.SetException(ex);
    }

    int IValueTaskSource<int>.GetResult(short token) => _pending.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);
}
