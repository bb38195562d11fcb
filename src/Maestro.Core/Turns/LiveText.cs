using Maestro.Core.Conversations;

namespace Maestro.Core.Turns;

/// <summary>
/// The text of the message a turn is writing, readable by any viewer's thread while the turn appends to it: one writer
/// appends the deltas it streams (no lock, no copy of the text), readers join what was appended so far. Snapshots for
/// viewers that (re)connect are taken from here, never from the builder the turn is still changing.
/// </summary>
internal sealed class LiveText(Guid messageId)
{
    private string[] _parts = new string[64];
    private int _count;
    private volatile int _status = (int)MessageStatus.Streaming;

    /// <summary>The message this is the text of.</summary>
    public Guid MessageId => messageId;

    /// <summary>Streaming while the turn writes it, then how it ended (the text stays, for viewers joining before the turn ends).</summary>
    public MessageStatus Status => (MessageStatus)_status;

    /// <summary>The message is written (saved as <paramref name="status"/>).</summary>
    public void Finish(MessageStatus status) => _status = (int)status;

    /// <summary>Called by the turn's own thread only.</summary>
    public void Append(string text)
    {
        var parts = _parts;
        if (_count == parts.Length)
        {
            // Readers holding the old array still see a consistent prefix of it.
            Array.Resize(ref parts, parts.Length * 2);
            Volatile.Write(ref _parts, parts);
        }

        parts[_count] = text;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Everything appended so far.</summary>
    public override string ToString()
    {
        // Count first, then the array: an array read later is at least as long and holds the same first parts.
        var count = Volatile.Read(ref _count);
        var parts = Volatile.Read(ref _parts);
        return string.Concat(parts.AsSpan(0, count));
    }
}
