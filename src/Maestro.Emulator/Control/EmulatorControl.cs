using Maestro.Emulator.Control;

namespace Maestro.Emulator;

/// <summary>In-process access to what the <c>/_emulator</c> endpoints offer: scripted answers and recorded requests.</summary>
public sealed class EmulatorControl
{
    internal EmulatorControl(ScriptQueues scripts, RequestLog requests)
    {
        Scripts = scripts;
        RequestLog = requests;
    }

    internal ScriptQueues Scripts { get; }

    internal RequestLog RequestLog { get; }

    /// <summary>
    /// Appends answers to the FIFO queue of <paramref name="key"/>: the API key or bearer token the requests will present,
    /// or <c>*</c> for any credential. Returns how many answers that queue now holds.
    /// </summary>
    public int Enqueue(string key, params ScriptedResponse[] responses)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Scripts.Enqueue(key, responses);
    }

    /// <summary>Scripted answers not yet taken for <paramref name="key"/> (all queues when null).</summary>
    public int PendingScripts(string? key = null) => Scripts.Pending(key);

    /// <summary>Recorded provider requests, newest last; only those that presented <paramref name="key"/> when given.</summary>
    public IReadOnlyList<RecordedRequest> Requests(string? key = null, int? limit = null) => RequestLog.Snapshot(key, limit);

    /// <summary>Drops the scripted answers of <paramref name="key"/>, or of every key when null.</summary>
    public void ClearScripts(string? key = null) => Scripts.Clear(key);

    public void ClearRequests() => RequestLog.Clear();

    /// <summary>Drops all scripted answers and recorded requests.</summary>
    public void Clear()
    {
        Scripts.Clear(null);
        RequestLog.Clear();
    }
}
