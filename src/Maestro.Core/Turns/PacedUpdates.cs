using Maestro.Core.Events;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// Reads a provider's stream at most once per tick of the process's <see cref="PacingClock"/> after it had to wait for
/// the network: the tokens that arrive meanwhile wait in the socket and are then read, parsed and published together,
/// without a wake-up, a thread hop and a read per token. The first token is never delayed, and nothing is lost or
/// reordered; a token waits at most one cadence. With thousands of streams this is most of the CPU a token costs, and
/// all of them wait on one shared clock rather than a timer each.
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
            _wokeAt = _clock?.Tick ?? -1;
            return more;
        }

        private async ValueTask<bool> NextTickThenMoveAsync(PacingClock clock)
        {
            // Not cancellable: the wait ends within one tick, and the read after it sees the cancellation.
            await clock.NextTickAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return await Move();
        }
    }
}
