using Maestro.Emulator.Control;

namespace Maestro.Emulator;

/// <summary>In-process access to what the <c>/_emulator</c> endpoints offer: scripted answers and recorded requests.</summary>
public sealed class EmulatorControl
{
    internal EmulatorControl(ScriptQueues scripts, RequestLog requests, QuotaBook quotas, HoldGates holds)
    {
        Holds = holds;
        Scripts = scripts;
        RequestLog = requests;
        Quotas = quotas;
    }

    internal ScriptQueues Scripts { get; }

    internal RequestLog RequestLog { get; }

    internal QuotaBook Quotas { get; }

    internal HoldGates Holds { get; }

    /// <summary>Lets the streams waiting at <paramref name="gate"/> (<see cref="ScriptedResponse.Hold"/>) go on; later ones pass at once.</summary>
    public void Release(string gate)
    {
        ArgumentException.ThrowIfNullOrEmpty(gate);
        Holds.Release(gate);
    }

    /// <summary>
    /// Sets the quota the account behind <paramref name="key"/> (or <c>*</c>: any credential without its own) reports:
    /// e.g. 90% used, or exhausted (chat requests answered with the provider's 429 until cleared).
    /// </summary>
    public void SetQuota(string key, EmulatedQuota quota)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(quota);
        Quotas.Set(key, quota);
    }

    /// <summary>Back to the default quota (nothing used) for <paramref name="key"/>, or for every credential when null.</summary>
    public void ClearQuota(string? key = null) => Quotas.Clear(key);

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

    /// <summary>Drops all scripted answers, recorded requests, quotas and hold gates (releasing what waits at them).</summary>
    public void Clear()
    {
        Holds.Clear();
        Scripts.Clear(null);
        RequestLog.Clear();
        Quotas.Clear(null);
    }
}
