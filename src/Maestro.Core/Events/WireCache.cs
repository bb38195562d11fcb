namespace Maestro.Core.Events;

/// <summary>
/// A session's latest event in its wire form, shared by the session's viewers: the first viewer to write an event
/// serializes it, the others reuse the bytes. One entry per session (viewers that fell behind serialize for
/// themselves), so it never holds more than one event's bytes.
/// </summary>
public sealed class WireCache
{
    private Entry? _last;

    public byte[] GetOrAdd(SessionEvent e, Func<SessionEvent, byte[]> serialize)
    {
        if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Event, e))
        {
            return last.Bytes;
        }

        var bytes = serialize(e);
        Volatile.Write(ref _last, new Entry(e, bytes));
        return bytes;
    }

    private sealed record Entry(SessionEvent Event, byte[] Bytes);
}
