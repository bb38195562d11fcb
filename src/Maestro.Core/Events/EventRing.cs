namespace Maestro.Core.Events;

/// <summary>
/// The latest events of one session, so a viewer that reconnects resumes from its last id. Writers claim slots with one
/// interlocked increment; the slots are allocated in chunks as they are first used, so a session that streamed a
/// hundred events holds a hundred slots, not the ring's full capacity.
/// </summary>
internal sealed class EventRing(int capacity)
{
    private const int ChunkSize = 64;
    private readonly SessionEvent?[]?[] _chunks = new SessionEvent?[]?[(capacity + ChunkSize - 1) / ChunkSize];
    private long _count;

    public void Add(SessionEvent e)
    {
        var slot = (int)((Interlocked.Increment(ref _count) - 1) % capacity);
        var chunk = Volatile.Read(ref _chunks[slot / ChunkSize]) ?? Allocate(slot / ChunkSize);
        Volatile.Write(ref chunk[slot % ChunkSize], e);
    }

    public (List<SessionEvent> Events, bool Complete) After(long afterId)
    {
        var count = Volatile.Read(ref _count);
        var first = Math.Max(0, count - capacity);
        var result = new List<SessionEvent>();
        var oldest = long.MaxValue;
        for (var i = first; i < count; i++)
        {
            var slot = (int)(i % capacity);
            if (Volatile.Read(ref _chunks[slot / ChunkSize]) is not { } chunk || Volatile.Read(ref chunk[slot % ChunkSize]) is not { } e)
            {
                continue;
            }

            oldest = Math.Min(oldest, e.Id);
            if (e.Id > afterId)
            {
                result.Add(e);
            }
        }

        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        // Complete when nothing was ever dropped, or the ring still reaches back to the requested id.
        return (result, count <= capacity || oldest <= afterId);
    }

    private SessionEvent?[] Allocate(int index) =>
        Interlocked.CompareExchange(ref _chunks[index], new SessionEvent?[ChunkSize], null) ?? _chunks[index]!;
}
