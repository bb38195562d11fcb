using Maestro.Core.Errors;

namespace Maestro.Tests.Turns;

/// <summary>
/// A running turn's reads and writes wait out a saturated database (every pooled connection in use) instead of failing
/// the turn: the refusal's retry-after is waited and the work tried again, until the patience runs out.
/// </summary>
public sealed class BusyRetryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Busy_refusals_are_waited_out_and_the_work_tried_again_until_it_succeeds()
    {
        var calls = 0;
        var result = await BusyRetry.RunAsync(
            () => ++calls < 3 ? throw Busy() : Task.FromResult(calls), TimeSpan.FromMinutes(1), TimeProvider.System, Ct);

        result.ShouldBe(3);
        calls.ShouldBe(3);
    }

    [Fact]
    public async Task Past_its_patience_the_last_refusal_is_thrown()
    {
        var calls = 0;
        var refused = await Should.ThrowAsync<BusyException>(() =>
            BusyRetry.RunAsync<int>(() => { calls++; throw Busy(); }, TimeSpan.Zero, TimeProvider.System, Ct));

        refused.Message.ShouldContain("database is busy");
        calls.ShouldBe(1);
    }

    [Fact]
    public async Task Other_failures_are_not_retried()
    {
        var calls = 0;
        await Should.ThrowAsync<InvalidOperationException>(() =>
            BusyRetry.RunAsync<int>(() => { calls++; throw new InvalidOperationException("broken"); }, TimeSpan.FromMinutes(1), TimeProvider.System, Ct));

        calls.ShouldBe(1);
    }

    [Fact]
    public async Task A_cancelled_wait_stops_the_retries()
    {
        using var cancel = new CancellationTokenSource();
        var calls = 0;
        await Should.ThrowAsync<OperationCanceledException>(() => BusyRetry.RunAsync<int>(() =>
        {
            calls++;
            cancel.Cancel();
            throw new BusyException("The database is busy.", TimeSpan.FromMinutes(1));
        }, TimeSpan.FromMinutes(10), TimeProvider.System, cancel.Token));

        calls.ShouldBe(1);
    }

    private static BusyException Busy() =>
        new("The database is busy: every connection Maestro may open stayed in use.", TimeSpan.FromMilliseconds(5));
}
