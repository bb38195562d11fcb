namespace Maestro.Bench.Load;

/// <summary>Samples processes' resident memory and open files once a second, keeping each one's peak.</summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private readonly int[] _pids;
    private readonly long[] _peakRss;
    private readonly int[] _peakFiles;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public ProcessSampler(IReadOnlyList<int> pids)
    {
        _pids = [.. pids];
        _peakRss = new long[_pids.Length];
        _peakFiles = new int[_pids.Length];
        _sampling = Task.Run(() => SampleAsync(_stop.Token), CancellationToken.None);
    }

    public long PeakRss(int pid) => Math.Max(_peakRss[Array.IndexOf(_pids, pid)], ProcStat.PeakRss(pid));

    public int PeakOpenFiles(int pid) => _peakFiles[Array.IndexOf(_pids, pid)];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            for (var i = 0; i < _pids.Length; i++)
            {
                _peakRss[i] = Math.Max(_peakRss[i], ProcStat.Rss(_pids[i]));
                _peakFiles[i] = Math.Max(_peakFiles[i], ProcStat.OpenFiles(_pids[i]));
            }
        }
        while (await TickAsync(timer, cancellationToken));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
