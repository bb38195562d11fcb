using System.Diagnostics;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// Waits for state that can only be observed by looking again: another process's database writes, a process list,
/// a port being released. Anything that publishes an event is awaited on that event instead.
/// </summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, interval);
}
