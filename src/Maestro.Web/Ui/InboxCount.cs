using Maestro.Core.Turns;

namespace Maestro.Web.Ui;

/// <summary>
/// The number of pending approvals for the nav badges of every open tab: read once per change, not once per tab. A
/// viewer asks with the id of the latest approval event it saw; a count read after that event is reused.
/// </summary>
public sealed class InboxCount(ApprovalService approvals)
{
    private Entry? _latest;

    public Task<int> GetAsync(long asOfEventId)
    {
        var latest = Volatile.Read(ref _latest);
        if (latest is not null && latest.AsOf >= asOfEventId && !latest.Count.IsFaulted && !latest.Count.IsCanceled)
        {
            return latest.Count;
        }

        // Stamped with the event it answers: the count is read after that event's change was stored.
        var fresh = new Entry(asOfEventId, approvals.CountPendingAsync(CancellationToken.None));
        Interlocked.Exchange(ref _latest, fresh);
        return fresh.Count;
    }

    private sealed record Entry(long AsOf, Task<int> Count);
}
