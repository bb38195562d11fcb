using Maestro.Core.Conversations;

namespace Maestro.Core.Context;

/// <summary>
/// The thread a running turn builds its rounds from, kept across its rounds. It is read whole once (or handed over by
/// the turn's start, which read it in its own transaction); after that a round reads only the messages written since
/// (the last round's answer and tool results), not the whole thread again. That is exact because while a turn runs
/// nothing but the turn changes its thread (context edits, compaction by hand and resubmits are refused), and what a
/// round writes is final before the next round starts. A compaction replaces the list with a new read.
/// </summary>
public sealed class TurnThread(List<ConversationMessage>? fromStart)
{
    private List<ConversationMessage>? _messages = fromStart;

    // The start's list needs no catching up; every later round follows a round that wrote to the thread.
    private bool _current = fromStart is not null;

    internal async Task<List<ConversationMessage>> ReadAsync(ContextAssembler assembler, Guid threadId, CancellationToken cancellationToken)
    {
        if (_messages is not { Count: > 0 } known)
        {
            _messages = await assembler.LoadThreadAsync(threadId, cancellationToken);
        }
        else if (!_current)
        {
            known.AddRange(await assembler.LoadThreadAfterAsync(threadId, known[^1].Seq, cancellationToken));
        }

        // The round about to run writes to the thread: the next one catches up first.
        _current = false;
        return _messages;
    }

    /// <summary>The thread changed under the list (a compaction) or may have (a failed round set-up): read it whole next time.</summary>
    internal void Replace(List<ConversationMessage>? messages) => _messages = messages;
}
