using System.Text;
using Maestro.Core.Chat;
using Maestro.Core.Conversations;
using Maestro.Core.Events;

namespace Maestro.Core.Turns;

/// <summary>
/// The turn in progress of a session, for a viewer that (re)connects: the message written so far (or, between rounds
/// and while the turn's end is saved, the one just finished; its status says which) and the event id it reflects, so
/// the viewer then applies only newer events. A turn running in this process gives its exact text; one running
/// elsewhere gives what it saved last (at most a second old) and the deltas since then that came through the bridge,
/// and its later events follow the same way.
/// </summary>
public sealed class TurnSnapshots(SessionEventHub hub, TurnEngine engine, ITurnStore turns, IConversationStore conversations)
{
    public const string Type = "snapshot";

    private const int GapReads = 20;
    private static readonly TimeSpan GapPoll = TimeSpan.FromMilliseconds(250);

    public async Task<SessionEvent> TakeAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        if (engine.Live(sessionId) is { } live)
        {
            return new SessionEvent
            {
                Id = live.AsOfEventId,
                SessionId = sessionId,
                Type = Type,
                TurnId = live.TurnId,
                MessageId = live.MessageId,
                Turn = new TurnInfo("running", 0),
                Message = live.MessageId is null ? null : new MessageInfo("assistant", live.MessageStatus.ToWire(), 0),
                Delta = new StreamEvent { Type = "text", Text = live.Text },
            };
        }

        var asOf = hub.LastId;
        if (await turns.GetRunningAsync(sessionId, cancellationToken) is { } running)
        {
            var last = await conversations.ListMessagesAsync(running.ThreadId, null, 1, cancellationToken);
            // The answer being written, or the one just finished while the turn's end is being saved: its text either way.
            var answer = last.Count == 1 && last[0].TurnId == running.Id && last[0].Role == MessageRole.Assistant ? last[0] : null;
            return new SessionEvent
            {
                Id = asOf,
                SessionId = sessionId,
                Type = Type,
                TurnId = running.Id,
                MessageId = answer?.Id,
                Turn = new TurnInfo("running", running.Rounds),
                Message = answer is null ? null : MessageInfo.From(answer, running.Rounds),
                Delta = new StreamEvent { Type = "text", Text = answer is null ? "" : CaughtUp(sessionId, answer) },
            };
        }

        return new SessionEvent { Id = asOf, SessionId = sessionId, Type = Type, Turn = new TurnInfo("idle", 0) };
    }

    /// <summary>
    /// For a viewer whose snapshot of a message another process is writing ends before <paramref name="first"/>, the
    /// first delta it got (<see cref="SnapshotCoverage.Skips"/>): the text between, as one delta. The message is read
    /// again until the saved text, with the deltas this process keeps since, reaches that delta (the next save, within
    /// a persist interval); null if it does not within a few seconds.
    /// </summary>
    public async Task<SessionEvent?> MissingDeltaAsync(SnapshotCoverage coverage, SessionEvent first, CancellationToken cancellationToken)
    {
        var (from, to) = ((int)coverage.TextLength, (int)first.Delta!.Offset!.Value);
        for (var attempt = 0; attempt < GapReads; attempt++)
        {
            if (await conversations.GetMessageAsync(first.MessageId!.Value, cancellationToken) is { } message &&
                CaughtUp(first.SessionId, message) is { } text && text.Length >= to)
            {
                return first with { Delta = first.Delta with { Text = text[from..to], Offset = from } };
            }

            // Another process's save is all there is to wait for: nothing here signals it.
            await Task.Delay(GapPoll, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// The stored text of a message another instance is writing, with the deltas since its last save that this process
    /// still keeps: the viewer subscribed just now, so those deltas will not reach it as events. The save can fall
    /// inside a delta; only the part after it is added.
    /// </summary>
    private string CaughtUp(Guid sessionId, ConversationMessage message)
    {
        var stored = message.Text;
        StringBuilder? text = null;
        foreach (var e in hub.Recent(sessionId))
        {
            if (e.MessageId != message.Id || e.Delta is not { Type: "text", Offset: not null })
            {
                continue;
            }

            // The same rule a viewer's stream applies after a snapshot: what lies past the text so far, if anything.
            var length = text?.Length ?? stored.Length;
            if (new SnapshotCoverage(long.MaxValue, message.Id, length).Unseen(e) is not { Delta: { } unseen })
            {
                continue;
            }

            if (unseen.Offset > length)
            {
                // The kept events do not reach back to the save: the stored text is all this snapshot can give.
                break;
            }

            (text ??= new StringBuilder(stored)).Append(unseen.Text);
        }

        return text?.ToString() ?? stored;
    }
}
