using Maestro.Core.Events;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Turns;

/// <summary>
/// The process-wide clock that paces provider reads and viewer flushes: every stream waiting for the next tick shares
/// one timer and one wake-up, and an idle process has no timer running. Each test uses its own interval, so tests
/// running at the same time never share a clock.
/// </summary>
public sealed class PacingClockTests
{
    [Fact]
    public async Task Everyone_waiting_wakes_at_the_next_tick_from_one_shared_wait()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(13));
        var before = clock.Tick;

        var waits = Enumerable.Range(0, 500).Select(_ => clock.NextTickAsync()).ToArray();
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30));

        clock.Tick.ShouldBeGreaterThan(before);
        // One task per tick, not one timer per waiter (a tick may fall between the first and the last call).
        waits.Distinct().Count().ShouldBeLessThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_clock_nobody_waits_on_stops_and_the_next_wait_starts_it_again()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(17));
        await clock.NextTickAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await Eventually.UntilAsync(() => !clock.Running, "the idle clock to stop", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        var stoppedAt = clock.Tick;

        // A stopped clock that did not start again would leave this wait hanging.
        await clock.NextTickAsync().WaitAsync(TimeSpan.FromSeconds(30));
        clock.Tick.ShouldBeGreaterThan(stoppedAt);
    }

    [Fact]
    public void One_interval_has_one_clock_and_it_must_be_positive()
    {
        PacingClock.Every(TimeSpan.FromMilliseconds(19)).ShouldBeSameAs(PacingClock.Every(TimeSpan.FromMilliseconds(19)));
        Should.Throw<ArgumentOutOfRangeException>(() => PacingClock.Every(TimeSpan.Zero));
    }
}
