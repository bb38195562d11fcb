using Maestro.Core.Telemetry;

namespace Maestro.Core.Diagnostics;

/// <summary>
/// What load does to this process, counted in one place (a metrics Meter can observe these later): turns running and
/// refused, live viewers and the ones that fell behind, the write-behind persister's batches, and events that could
/// not be carried to other instances. Plain interlocked counters: cheap enough for hot paths. Running turns, refusals
/// and live viewers are also recorded on the "Maestro" meter (<see cref="MaestroMetrics"/>) for export.
/// </summary>
public sealed class LoadCounters(MaestroMetrics metrics)
{
    private long _runningTurns;
    private long _refusedTurns;
    private long _liveViewers;
    private long _viewerResyncs;
    private long _persistBatches;
    private long _persistedRows;
    private long _persistFailures;
    private long _bridgeDropped;

    /// <summary>Turns running in this process now.</summary>
    public long RunningTurns => Volatile.Read(ref _runningTurns);

    /// <summary>Turn starts refused because the running-turn limit was reached (HTTP 429).</summary>
    public long RefusedTurns => Volatile.Read(ref _refusedTurns);

    /// <summary>Event-stream viewers connected now (API and UI).</summary>
    public long LiveViewers => Volatile.Read(ref _liveViewers);

    /// <summary>Times a viewer fell so far behind that its backlog was dropped and it got a snapshot instead.</summary>
    public long ViewerResyncs => Volatile.Read(ref _viewerResyncs);

    /// <summary>Write-behind batches written, and the rows they changed.</summary>
    public long PersistBatches => Volatile.Read(ref _persistBatches);

    public long PersistedRows => Volatile.Read(ref _persistedRows);

    public long PersistFailures => Volatile.Read(ref _persistFailures);

    /// <summary>Live events not carried to other instances (their queue was full: the database was unreachable).</summary>
    public long BridgeDropped => Volatile.Read(ref _bridgeDropped);

    public void TurnStarted()
    {
        Interlocked.Increment(ref _runningTurns);
        metrics.TurnStarted();
    }

    public void TurnEnded()
    {
        Interlocked.Decrement(ref _runningTurns);
        metrics.TurnEnded();
    }

    public void TurnRefused()
    {
        Interlocked.Increment(ref _refusedTurns);
        metrics.TurnRefused("busy");
    }

    /// <summary>A live viewer connected; <paramref name="kind"/> says which stream (api, ui).</summary>
    public void ViewerOpened(string kind)
    {
        Interlocked.Increment(ref _liveViewers);
        metrics.ViewerConnected(kind);
    }

    public void ViewerClosed(string kind)
    {
        Interlocked.Decrement(ref _liveViewers);
        metrics.ViewerDisconnected(kind);
    }

    /// <summary>Counts a live viewer until disposed (for streams written as iterators).</summary>
    public IDisposable Viewer(string kind)
    {
        ViewerOpened(kind);
        return new ViewerScope(this, kind);
    }

    public void ViewerResynced() => Interlocked.Increment(ref _viewerResyncs);

    public void Persisted(int rows)
    {
        Interlocked.Increment(ref _persistBatches);
        Interlocked.Add(ref _persistedRows, rows);
    }

    public void PersistFailed() => Interlocked.Increment(ref _persistFailures);

    public void BridgeDrop() => Interlocked.Increment(ref _bridgeDropped);

    private sealed class ViewerScope(LoadCounters counters, string kind) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                counters.ViewerClosed(kind);
            }
        }
    }
}
