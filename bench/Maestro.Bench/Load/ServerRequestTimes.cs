using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Maestro.Bench.Load;

/// <summary>
/// The servers' own time per request: Kestrel's <c>RequestStart</c> (headers parsed, before the application runs) to
/// its <c>RequestStop</c> (response complete), read from Kestrel's event source over an EventPipe session on each
/// server process. The latencies <c>load</c> measures as a client also hold the time a request waits in the kernel and
/// in this benchmark's own scheduling, on the cores the server uses; this is the part the server answers for.
/// </summary>
public sealed class ServerRequestTimes : IAsyncDisposable
{
    private const string KestrelSource = "Microsoft-AspNetCore-Server-Kestrel";
    private const int RequestStartId = 3;
    private const int RequestStopId = 4;

    private readonly List<(EventPipeSession Session, Task Reading)> _servers = [];
    private readonly Func<string, string, string?> _classify;
    private readonly ConcurrentDictionary<string, (string Kind, double StartedAt)> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _done = new(StringComparer.Ordinal);
    private long _sinceTicks;

    /// <summary>
    /// Records the requests of the processes <paramref name="pids"/> that <paramref name="classify"/> names (from method
    /// and path; null: not recorded). A process that cannot be attached to (diagnostics disabled) is left out, and said so.
    /// </summary>
    public ServerRequestTimes(IEnumerable<int> pids, Func<string, string, string?> classify, TextWriter progress)
    {
        _classify = classify;
        foreach (var pid in pids)
        {
            try
            {
                // No stack per event: walking the stack at each request would be a cost the figures then include.
                var session = new DiagnosticsClient(pid).StartEventPipeSession(new EventPipeSessionConfiguration(
                    [new EventPipeProvider(KestrelSource, EventLevel.Informational)], circularBufferSizeMB: 64, requestRundown: false, requestStackwalk: false));
                _servers.Add((session, Task.Factory.StartNew(() => Read(session), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
            }
            catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
            {
                progress.WriteLine($"(no server-side request times from process {pid}: {ex.Message})");
            }
        }
    }

    /// <summary>Whether any server's times are being recorded.</summary>
    public bool Recording => _servers.Count > 0;

    /// <summary>
    /// Forgets the requests begun before now (the warm-up's), including those whose events have not arrived yet.
    /// </summary>
    public void Clear()
    {
        Volatile.Write(ref _sinceTicks, DateTime.Now.Ticks);
        foreach (var queue in _done.Values)
        {
            queue.Clear();
        }
    }

    /// <summary>
    /// The durations (ms) recorded for <paramref name="kind"/>, once <paramref name="expected"/> of them have arrived
    /// (events reach this process in batches, a moment after the requests end) or after <paramref name="patience"/>.
    /// </summary>
    public async Task<double[]> TakeAsync(string kind, int expected, TimeSpan patience, CancellationToken cancellationToken)
    {
        var queue = Queue(kind);
        var deadline = DateTime.UtcNow + patience;
        while (queue.Count < expected && DateTime.UtcNow < deadline && _servers.Any(s => !s.Reading.IsCompleted))
        {
            await Task.Delay(50, cancellationToken);
        }

        return [.. queue];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (session, reading) in _servers)
        {
            try
            {
                await session.StopAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException)
            {
                // The server has already exited, and its stream has ended with it.
            }

            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            session.Dispose();
        }
    }

    private ConcurrentQueue<double> Queue(string kind) => _done.GetOrAdd(kind, static _ => new ConcurrentQueue<double>());

    private void Read(EventPipeSession session)
    {
        using var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += OnEvent;
        source.Process();
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.ProviderName != KestrelSource || (int)e.ID is not (RequestStartId or RequestStopId))
        {
            return;
        }

        // Kestrel's request ids ("{connection}:{number}") differ across servers too: each process seeds its connection
        // ids from the clock when it starts.
        var requestId = (string)e.PayloadByName("requestId");
        if ((int)e.ID == RequestStartId)
        {
            // TraceEvent dates events by the machine's local clock, as DateTime.Now does.
            if (e.TimeStamp.Ticks >= Volatile.Read(ref _sinceTicks)
                && _classify((string)e.PayloadByName("method"), (string)e.PayloadByName("path")) is { } kind)
            {
                _open[requestId] = (kind, e.TimeStampRelativeMSec);
            }
        }
        else if (_open.TryRemove(requestId, out var started))
        {
            Queue(started.Kind).Enqueue(e.TimeStampRelativeMSec - started.StartedAt);
        }
    }
}
