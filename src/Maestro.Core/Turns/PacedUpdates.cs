using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// Reads a provider's stream at most once per <c>cadence</c> after it had to wait for the network: the tokens that
/// arrive meanwhile wait in the socket and are then read, parsed and published together, without a wake-up, a thread
/// hop and a read per token. The first token is never delayed, and nothing is lost or reordered; a token waits at most
/// one cadence. With thousands of streams this is most of the CPU a token costs.
/// </summary>
internal sealed class PacedUpdates(IAsyncEnumerable<ChatResponseUpdate> inner, TimeSpan cadence) : IAsyncEnumerable<ChatResponseUpdate>
{
    public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(inner.GetAsyncEnumerator(cancellationToken), cadence, cancellationToken);

    private sealed class Enumerator(IAsyncEnumerator<ChatResponseUpdate> inner, TimeSpan cadence, CancellationToken cancellationToken)
        : IAsyncEnumerator<ChatResponseUpdate>
    {
        // When the last wait for the network ended; 0 while the reads are served from what is already buffered.
        private long _wokeAt;

        public ChatResponseUpdate Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_wokeAt != 0 && cadence > TimeSpan.Zero)
            {
                var wait = cadence - Stopwatch.GetElapsedTime(_wokeAt);
                _wokeAt = 0;
                if (wait > TimeSpan.Zero)
                {
                    return DelayThenMoveAsync(wait);
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
            _wokeAt = Stopwatch.GetTimestamp();
            return more;
        }

        private async ValueTask<bool> DelayThenMoveAsync(TimeSpan wait)
        {
            await Task.Delay(wait, cancellationToken);
            return await Move();
        }
    }
}
