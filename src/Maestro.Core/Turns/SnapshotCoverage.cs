using Maestro.Core.Events;

namespace Maestro.Core.Turns;

/// <summary>
/// What a snapshot already gave a viewer: the text of one message up to its length, and the events up to its id. A
/// text delta of that message is judged by its offset, not its id: a running turn appends to its text right before it
/// publishes each delta, so the text may hold deltas newer than the snapshot's id. And a snapshot read from the
/// database (the turn runs in another instance) may end inside a delta, since the stored text is saved between reads of
/// the provider's stream: the viewer then gets that delta's end only.
/// </summary>
public readonly record struct SnapshotCoverage(long AsOf, Guid? MessageId, long TextLength)
{
    public static SnapshotCoverage None => new(0, null, 0);

    public static SnapshotCoverage Of(SessionEvent snapshot) => new(snapshot.Id, snapshot.MessageId, snapshot.Delta?.Text?.Length ?? 0);

    /// <summary>The part of <paramref name="e"/> the viewer lacks: the event itself, the end of a text delta, or null.</summary>
    public SessionEvent? Unseen(SessionEvent e)
    {
        if (e.Type != SessionEventTypes.Delta)
        {
            return e;
        }

        if (e.Delta is { Type: "text", Offset: { } offset, Text: { } text } delta && MessageId is not null && e.MessageId == MessageId)
        {
            if (offset >= TextLength)
            {
                return e;
            }

            // A copy for this viewer alone; the shared event stays as every other viewer gets it.
            return offset + text.Length <= TextLength ? null : e with { Delta = delta with { Text = text[(int)(TextLength - offset)..], Offset = TextLength } };
        }

        return e.Id <= AsOf ? null : e;
    }

    /// <summary>
    /// Whether <paramref name="e"/>, a text delta of the snapshot's message, starts past the snapshot's end: the text
    /// between was given to the viewer neither by the snapshot nor as events. Only a snapshot read from the database by
    /// a process that heard the writing process only after its last save can leave such a gap.
    /// </summary>
    public bool Skips(SessionEvent e) =>
        e.Delta is { Type: "text", Offset: { } offset } && MessageId is not null && e.MessageId == MessageId && offset > TextLength;
}
