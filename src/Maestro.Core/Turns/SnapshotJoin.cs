using Maestro.Core.Events;

namespace Maestro.Core.Turns;

/// <summary>
/// A viewer's watch, after one snapshot, for the one gap that snapshot can leave: the first text delta of the
/// snapshot's message that the viewer lacks starts past the snapshot's end (<see cref="SnapshotCoverage.Skips"/>).
/// Until that delta comes, each event costs one check; after it, one <c>bool</c>.
/// </summary>
public sealed class SnapshotJoin(SnapshotCoverage coverage)
{
    private bool _watching = coverage.MessageId is not null;

    public SnapshotCoverage Coverage => coverage;

    /// <summary>
    /// Whether <paramref name="e"/> is the first delta of the snapshot's message past what the snapshot holds, and
    /// starts after its end, so that the text between must be read (<see cref="TurnSnapshots.MissingDeltaAsync"/>)
    /// before it is shown. True at most once.
    /// </summary>
    public bool LeavesGapBefore(SessionEvent e)
    {
        if (!_watching || e.MessageId != coverage.MessageId || e.Delta is not { Type: "text", Offset: { } offset, Text: { } text })
        {
            return false;
        }

        if (offset + text.Length <= coverage.TextLength)
        {
            // Replayed from before the snapshot: the snapshot holds it, and the delta that matters is still to come.
            return false;
        }

        _watching = false;
        return coverage.Skips(e);
    }
}
