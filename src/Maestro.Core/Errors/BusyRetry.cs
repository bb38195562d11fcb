namespace Maestro.Core.Errors;

/// <summary>
/// For work already under way that must not fail just because a shared resource is saturated — a running turn's reads
/// and writes when every database connection is in use: a request can be refused with 429 and retried by its client,
/// but failing a turn mid-way would lose the answer. Waits what the <see cref="BusyException"/> says and tries again,
/// until it succeeds, the caller cancels or the patience runs out (then the last refusal is thrown).
/// </summary>
public static class BusyRetry
{
    /// <summary>How long running work keeps trying by default before it gives up.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromMinutes(5);

    public static Task<T> RunAsync<T>(Func<Task<T>> work, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(work, DefaultPatience, time, cancellationToken);

    public static async Task<T> RunAsync<T>(Func<Task<T>> work, TimeSpan patience, TimeProvider time, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + patience;
        while (true)
        {
            try
            {
                return await work();
            }
            catch (BusyException busy) when (time.GetUtcNow() + busy.RetryAfter < giveUpAt)
            {
                await Task.Delay(busy.RetryAfter, time, cancellationToken);
            }
        }
    }
}
