namespace Maestro.Core.OAuth.Logins;

/// <summary>What this process runs for one login: its loopback callback server, its worker, and who waits for its end.</summary>
public sealed class RunningLogin(Guid id, CancellationTokenSource stop) : IAsyncDisposable
{
    private int _disposed;

    public Guid Id { get; } = id;

    /// <summary>Taken once, so a worker starting after the flow ended still gets a (cancelled) token.</summary>
    public CancellationToken Token { get; } = stop.Token;

    public LoopbackCallbackServer? Server { get; set; }

    public Task? Worker { get; set; }

    public TaskCompletionSource<OAuthFlow> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await stop.CancelAsync();
        if (Server is not null)
        {
            await Server.StopAsync();
        }

        stop.Dispose();
    }
}
