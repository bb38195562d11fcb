using Maestro.Core.Chat;
using Maestro.Core.Events;
using Maestro.Core.Turns;

namespace Maestro.Tests.Turns;

/// <summary>
/// What a viewer still needs after a snapshot: text deltas of the snapshot's message by their offset (the end of one
/// the snapshot holds the start of, as a snapshot read from the database can end inside a delta), other events by id.
/// </summary>
public sealed class SnapshotCoverageTests
{
    private static readonly Guid Session = Guid.NewGuid();
    private static readonly Guid Message = Guid.NewGuid();

    // A snapshot of "Hello, wor" (10 characters) as of event 20.
    private static readonly SnapshotCoverage Coverage = new(20, Message, 10);

    [Fact]
    public void A_text_delta_the_snapshot_holds_is_skipped_whatever_its_id()
    {
        Coverage.Unseen(Text(id: 25, offset: 5, "o, wo")).ShouldBeNull("appended to the text after the snapshot's id was read");
        Coverage.Unseen(Text(id: 12, offset: 0, "Hello")).ShouldBeNull();
    }

    [Fact]
    public void A_text_delta_the_snapshot_holds_the_start_of_gives_only_its_end()
    {
        var shared = Text(id: 26, offset: 7, "world!");

        var unseen = Coverage.Unseen(shared).ShouldNotBeNull();

        unseen.Delta!.Text.ShouldBe("ld!");
        unseen.Delta.Offset.ShouldBe(10);
        unseen.Id.ShouldBe(26);
        unseen.MessageId.ShouldBe(Message);
        shared.Delta!.Text.ShouldBe("world!", "the event every other viewer gets is left as it was");
    }

    [Fact]
    public void A_text_delta_after_the_snapshots_text_is_sent_whole()
    {
        var next = Text(id: 27, offset: 10, "ld!");
        Coverage.Unseen(next).ShouldBeSameAs(next);
    }

    [Fact]
    public void Other_events_are_judged_by_id()
    {
        var oldReasoning = Delta(id: 19, Message, new StreamEvent { Type = "reasoning", Text = "hm" });
        var newReasoning = Delta(id: 21, Message, new StreamEvent { Type = "reasoning", Text = "hm" });
        var otherMessage = Delta(id: 22, Guid.NewGuid(), new StreamEvent { Type = "text", Text = "x", Offset = 0 });
        var finished = new SessionEvent { Id = 5, SessionId = Session, Type = SessionEventTypes.TurnFinished };

        Coverage.Unseen(oldReasoning).ShouldBeNull();
        Coverage.Unseen(newReasoning).ShouldBeSameAs(newReasoning);
        Coverage.Unseen(otherMessage).ShouldBeSameAs(otherMessage);
        Coverage.Unseen(finished).ShouldBeSameAs(finished, "only deltas are ever skipped");
    }

    [Fact]
    public void Without_a_snapshot_nothing_is_skipped()
    {
        var first = Text(id: 1, offset: 0, "Hi");
        SnapshotCoverage.None.Unseen(first).ShouldBeSameAs(first);
    }

    [Fact]
    public void A_join_finds_the_gap_at_the_first_delta_that_starts_past_the_snapshot_and_only_there()
    {
        var join = new SnapshotJoin(Coverage);

        join.LeavesGapBefore(Text(id: 12, offset: 0, "Hello")).ShouldBeFalse("replayed from before the snapshot: the delta that counts is still to come");
        join.LeavesGapBefore(Delta(id: 21, Message, new StreamEvent { Type = "reasoning", Text = "hm" })).ShouldBeFalse();
        join.LeavesGapBefore(Delta(id: 22, Guid.NewGuid(), new StreamEvent { Type = "text", Text = "x", Offset = 40 })).ShouldBeFalse("another message");
        join.LeavesGapBefore(Text(id: 30, offset: 14, "d!")).ShouldBeTrue("\"ld, \" (offsets 10 to 13) reached this viewer neither way");
        join.LeavesGapBefore(Text(id: 31, offset: 20, "!")).ShouldBeFalse("once per snapshot: the text between was filled");
    }

    [Fact]
    public void A_join_whose_first_new_delta_continues_the_snapshot_finds_no_gap_and_stops_looking()
    {
        var join = new SnapshotJoin(Coverage);

        join.LeavesGapBefore(Text(id: 26, offset: 7, "world")).ShouldBeFalse("it reaches into the snapshot's end");
        join.LeavesGapBefore(Text(id: 40, offset: 30, "later")).ShouldBeFalse("only the first delta past the snapshot can follow a gap");
        new SnapshotJoin(SnapshotCoverage.None).LeavesGapBefore(Text(id: 1, offset: 5, "x")).ShouldBeFalse("no snapshot, nothing to fill");
    }

    private static SessionEvent Text(long id, long offset, string text) =>
        Delta(id, Message, new StreamEvent { Type = "text", Text = text, Offset = offset });

    private static SessionEvent Delta(long id, Guid message, StreamEvent delta) =>
        new() { Id = id, SessionId = Session, Type = SessionEventTypes.Delta, MessageId = message, Delta = delta };
}
