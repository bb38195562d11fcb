using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Providers.Saved;

/// <summary>
/// The providers saved in the database, as an immutable snapshot that <see cref="ProviderRegistry"/> reads without a
/// lock. It is read on first use, again after every change made here, and, once <see cref="StartAsync"/> has run (the
/// server does), whenever another process announces a change.
/// </summary>
public sealed class SavedProviderSet(IProviderDeclarationStore store, IProviderDeclarationFactory factory, ILogger<SavedProviderSet> logger)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Snapshot? _snapshot;
    private Task? _listener;

    /// <summary>The saved providers by id (read on first use: a blocking read, once per process).</summary>
    public Snapshot Current => Volatile.Read(ref _snapshot) ?? FirstLoad();

    /// <summary>Reads the saved declarations again and swaps in the new snapshot.</summary>
    public async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var declarations = await store.ListAsync(cancellationToken);
            var previous = Volatile.Read(ref _snapshot);
            if (previous is not null && previous.Declarations.SequenceEqual(declarations))
            {
                // Nothing changed (a reload after our own write, a listing): keep the generation, so the registry keeps
                // its view and every auth keeps its pipeline.
                return previous;
            }

            var byId = new Dictionary<string, IProvider>(StringComparer.Ordinal);
            foreach (var declaration in declarations)
            {
                // An unchanged provider stays the same instance: only the auths of an edited one get new pipelines.
                if (previous is not null && previous.ById.TryGetValue(declaration.Id, out var kept) && previous.Declarations.Contains(declaration))
                {
                    byId[declaration.Id] = kept;
                    continue;
                }

                try
                {
                    byId[declaration.Id] = factory.Create(declaration);
                }
                catch (MaestroException ex)
                {
                    logger.LogWarning("The saved provider '{Id}' is skipped: {Message}", declaration.Id, ex.Message);
                }
            }

            var snapshot = new Snapshot(byId, declarations);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Starts following other processes' changes (LISTEN); completes once listening. Safe to call more than once.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_stop)
        {
            _listener ??= Task.Run(() => ListenLoopAsync(_stop.Token), CancellationToken.None);
        }

        return _listening.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
        _gate.Dispose();
    }

    private async Task ListenLoopAsync(CancellationToken ct)
    {
        try
        {
            await store.ListenAsync(
                async token =>
                {
                    try
                    {
                        await LoadAsync(token);
                    }
                    catch (Exception ex) when (!token.IsCancellationRequested)
                    {
                        logger.LogWarning("Could not read the saved providers: {Message}", ex.Message);
                    }
                },
                _listening,
                ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private Snapshot FirstLoad()
    {
        try
        {
            // Off the caller's synchronization context: a Razor render may be the first reader.
            return Task.Run(() => LoadAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            // The database is unreachable: built-in and declared providers still work, and the next load (the server's
            // listener, or a save) brings the saved ones. Whatever needs the database reports the failure itself, so a
            // command does not print it twice.
            logger.LogInformation("Could not read the saved providers: {Message}", ex.Message);
            var empty = new Snapshot(new Dictionary<string, IProvider>(StringComparer.Ordinal), []);
            return Interlocked.CompareExchange(ref _snapshot, empty, null) ?? empty;
        }
    }

    /// <summary>One immutable generation of the saved providers.</summary>
    /// <param name="Declarations">Every saved row, including any whose provider could not be built.</param>
    public sealed record Snapshot(IReadOnlyDictionary<string, IProvider> ById, IReadOnlyList<ProviderDeclaration> Declarations);
}
