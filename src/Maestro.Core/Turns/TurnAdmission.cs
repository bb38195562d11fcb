using System.Globalization;
using Maestro.Core.Diagnostics;
using Maestro.Core.Errors;

namespace Maestro.Core.Turns;

/// <summary>
/// Admission control for turns: at most <see cref="Limit"/> run in this process at once. Past it a start is refused
/// before anything is written (<see cref="BusyException"/>: HTTP 429 with Retry-After), so load never turns into
/// failures half-way through a turn. The check is one interlocked increment.
/// </summary>
public sealed class TurnAdmission(TurnAdmissionOptions options, LoadCounters counters)
{
    private int _running;

    public int Limit => options.MaxRunningTurns;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Takes a place for a turn; dispose the lease when the turn ends (or fails to start).</summary>
    /// <exception cref="BusyException">The limit is reached.</exception>
    public Lease Enter()
    {
        if (Interlocked.Increment(ref _running) > options.MaxRunningTurns)
        {
            Interlocked.Decrement(ref _running);
            counters.TurnRefused();
            throw new BusyException(
                string.Create(CultureInfo.InvariantCulture, $"Maestro is busy: {options.MaxRunningTurns:N0} turns are running, the most it runs at once."),
                options.RetryAfter,
                "Try again in a moment (clients retry by themselves), or raise MAESTRO_MAX_RUNNING_TURNS.");
        }

        counters.TurnStarted();
        return new Lease(this);
    }

    private void Leave()
    {
        Interlocked.Decrement(ref _running);
        counters.TurnEnded();
    }

    /// <summary>A running turn's place; disposing it twice gives the place back once.</summary>
    public sealed class Lease(TurnAdmission owner) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                owner.Leave();
            }
        }
    }
}
