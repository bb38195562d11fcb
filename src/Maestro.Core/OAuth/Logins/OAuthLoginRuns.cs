using System.Collections.Concurrent;
using Maestro.Core.Errors;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// The logins this process runs something for (a loopback server, a device poller, an expiry timer): each is released
/// when its login ends (here or on another instance), when its worker stops, or when the host shuts down.
/// </summary>
public sealed class OAuthLoginRuns(IOAuthFlowStore flows) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, RunningLogin> _running = new();
    private readonly CancellationTokenSource _disposing = new();

    /// <summary>A new login's resources, not tracked until <see cref="Start"/> (dispose it if the start fails).</summary>
    public RunningLogin Create(Guid flowId) => new(flowId, CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token));

    /// <summary>Tracks the login and runs its worker in the background; the login is released when the worker stops.</summary>
    public void Start(RunningLogin running, Func<CancellationToken, Task> worker)
    {
        _running[running.Id] = running;
        running.Worker = Task.Run(async () =>
        {
            try
            {
                await worker(running.Token);
            }
            finally
            {
                await EndAsync(running.Id);
            }
        }, CancellationToken.None);
    }

    public bool TryGet(Guid flowId, out RunningLogin? running) => _running.TryGetValue(flowId, out running);

    /// <summary>The login ended: wakes its waiters and releases what this process ran for it.</summary>
    public void Ended(OAuthFlow flow)
    {
        if (_running.TryGetValue(flow.Id, out var running))
        {
            running.Done.TrySetResult(flow);
            _ = EndAsync(flow.Id);
        }
    }

    /// <summary>Stops the callback server and the worker of a flow that ended (or that this process gives up on).</summary>
    public async Task EndAsync(Guid flowId)
    {
        if (!_running.TryRemove(flowId, out var running))
        {
            return;
        }

        if (!running.Done.Task.IsCompleted)
        {
            try
            {
                running.Done.TrySetResult(await flows.GetAsync(flowId, CancellationToken.None) ?? throw OAuthLoginMessages.Gone(flowId));
            }
            catch (MaestroException ex)
            {
                running.Done.TrySetException(ex);
            }
        }

        await running.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        foreach (var running in _running.Values)
        {
            await running.DisposeAsync();
        }

        _running.Clear();
        _disposing.Dispose();
    }
}
