using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Maestro.Core.Events;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// Reads a provider's stream at most once per tick of the process's <see cref="PacingClock"/> after it had to wait for
/// the network: the tokens that arrive meanwhile wait in the socket and are then read, parsed and published together,
/// without a wake-up, a thread hop and a read per token. A token that the network brings in a tick when this stream
/// was already read waits for the next tick too, so a steady stream hands its reader one batch per tick, not two. The
/// first token after a quiet tick is never delayed, and nothing is lost or reordered; a token waits at most one
/// cadence. With thousands of streams this is most of the CPU a token costs, and all of them wait on one shared clock
/// rather than a timer each. Where the connection under the stream can pace its own reads (HTTP/1.1 to a provider,
/// <see cref="PacedNetworkStream"/>), it is asked to from the second read on, and does the same one level lower: the
/// socket is not armed between ticks, so a token no longer wakes the process only to wait for the tick.
/// </summary>
internal sealed class PacedUpdates(IAsyncEnumerable<ChatResponseUpdate> inner, TimeSpan cadence) : IAsyncEnumerable<ChatResponseUpdate>
{
    public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(inner.GetAsyncEnumerator(cancellationToken), cadence, cancellationToken);

    private sealed class Enumerator(IAsyncEnumerator<ChatResponseUpdate> inner, TimeSpan cadence, CancellationToken cancellationToken)
        : IAsyncEnumerator<ChatResponseUpdate>, IValueTaskSource<bool>
    {
        private readonly PacingClock? _clock = cadence > TimeSpan.Zero ? PacingClock.Every(cadence) : null;

        // Handed to the connection under the stream for each read after the first (which sends the request and reads
        // the headers and first update at once): once the connection takes it, the holds below are its job.
        private TransportPacing? _transport;
        private bool _moved;

        // The wait in progress (one at a time, as for any enumerator) and the source its caller awaits.
        private ManualResetValueTaskSourceCore<bool> _pending;
        private ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter _move;
        private ConfiguredTaskAwaitable.ConfiguredTaskAwaiter _tick;
        private Action? _onMoved;
        private Action? _onTick;

        // The clock's tick when the last wait for the network ended; -1 while the reads are served from what is
        // already buffered.
        private long _wokeAt = -1;

        // The tick in which the last batch was read after waiting for a tick: a token the network brings later in the
        // same tick waits for the next one.
        private long _readAt = -1;

        public ChatResponseUpdate Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_transport is { Engaged: true })
            {
                return Move();
            }

            if (_wokeAt >= 0 && _clock is not null)
            {
                var wokeAt = _wokeAt;
                _wokeAt = -1;
                if (_clock.Tick == wokeAt)
                {
                    return NextTickThenMoveAsync(_clock);
                }
            }

            return Move();
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private ValueTask<bool> Move()
        {
            ValueTask<bool> move;
            if (_moved && _clock is not null)
            {
                TransportPacing.Current = _transport ??= new TransportPacing(_clock);
                try
                {
                    move = inner.MoveNextAsync();
                }
                finally
                {
                    TransportPacing.Current = null;
                }
            }
            else
            {
                _moved = true;
                move = inner.MoveNextAsync();
            }

            return move.IsCompleted ? move : AwaitNetwork(move);
        }

        // A move that waits for the network (every tick of a paced stream) completes through this enumerator's one
        // reusable source rather than a state machine boxed per wait: a thousand streams wait at the same tick, so a
        // pool of boxes would miss nearly always.
        private ValueTask<bool> AwaitNetwork(ValueTask<bool> move)
        {
            _pending.Reset();
            _move = move.ConfigureAwait(false).GetAwaiter();
            _move.UnsafeOnCompleted(_onMoved ??= OnMoved);
            return new ValueTask<bool>(this, _pending.Version);
        }

        private void OnMoved()
        {
            var move = _move;
            _move = default;
            try
            {
                var more = move.GetResult();
                if (_transport is { Engaged: true })
                {
                    // The connection waited for the tick already, or this token ended a quiet tick.
                    _pending.SetResult(more);
                    return;
                }

                if (more && _clock is not null && _clock.Tick == _readAt)
                {
                    // This tick's batch went out already: the token joins the next tick's, and the reads after it are
                    // served from what arrived meanwhile.
                    _tick = _clock.NextTickAsync().ConfigureAwait(false).GetAwaiter();
                    _tick.UnsafeOnCompleted(_onTick ??= OnTick);
                    return;
                }

                // An update that carries nothing to show (the ids a provider sends before any content) does not pace
                // the read after it: the first token would otherwise wait for a tick behind it.
                _wokeAt = more && _clock is not null && inner.Current.Contents.Count > 0 ? _clock.Tick : -1;
                _pending.SetResult(more);
            }
            catch (Exception ex)
            {
                _pending.SetException(ex);
            }
        }

        private void OnTick()
        {
            var tick = _tick;
            _tick = default;
            try
            {
                tick.GetResult();
                AfterTick(_clock!);
                _pending.SetResult(true);
            }
            catch (Exception ex)
            {
                _pending.SetException(ex);
            }
        }

        bool IValueTaskSource<bool>.GetResult(short token) => _pending.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _pending.GetStatus(token);

        void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _pending.OnCompleted(continuation, state, token, flags);

        private async ValueTask<bool> NextTickThenMoveAsync(PacingClock clock)
        {
            await clock.NextTickAsync();
            AfterTick(clock);
            return await Move();
        }

        // The waits for a tick are not cancellable (no registration per wait): they end within one tick, and this
        // check follows them.
        private void AfterTick(PacingClock clock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _readAt = clock.Tick;
        }
    }
}
