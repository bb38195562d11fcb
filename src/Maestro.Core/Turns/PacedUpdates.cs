using Maestro.Core.Events;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// Reads a provider's stream at most once per tick of the process's <see cref="PacingClock"/> after it had to wait for
/// the network: the tokens that arrive meanwhile wait in the socket and are then read, parsed and published together,
/// without a wake-up, a thread hop and a read per token. A token that the network brings in a tick when this stream
/// was already read waits for the next tick too, so a steady stream hands its reader one batch per tick, not two. The
/// first token after a quiet tick is never delayed, and nothing is lost or reordered; a token waits at most one
/// cadence. With thousands of streams this is most of the CPU a token costs, and all of them wait on one shared clock
/// rather than a timer each.
/// </summary>
internal sealed class PacedUpdates(IAsyncEnumerable<ChatResponseUpdate> inner, TimeSpan cadence) : IAsyncEnumerable<ChatResponseUpdate>
{
    public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(inner.GetAsyncEnumerator(cancellationToken), cadence, cancellationToken);

    private sealed class Enumerator(IAsyncEnumerator<ChatResponseUpdate> inner, TimeSpan cadence, CancellationToken cancellationToken)
        : IAsyncEnumerator<ChatResponseUpdate>
    {
        private readonly PacingClock? _clock = cadence > TimeSpan.Zero ? PacingClock.Every(cadence) : null;

        // The clock's tick when the last wait for the network ended; -1 while the reads are served from what is
        // already buffered.
        private long _wokeAt = -1;

        // The tick in which the last batch was read after waiting for a tick: a token the network brings later in the
        // same tick waits for the next one.
        private long _readAt = -1;

        public ChatResponseUpdate Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
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
            var move = inner.MoveNextAsync();
            return move.IsCompleted ? move : AwaitNetworkAsync(move);
        }

        private async ValueTask<bool> AwaitNetworkAsync(ValueTask<bool> move)
        {
            var more = await move;
            if (more && _clock is not null && _clock.Tick == _readAt)
            {
                // This tick's batch went out already: the token joins the next tick's, and the reads after it are
                // served from what arrived meanwhile.
                await _clock.NextTickAsync();
                AfterTick(_clock);
                return true;
            }

            _wokeAt = _clock?.Tick ?? -1;
            return more;
        }

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
