namespace Maestro.Emulator.Control;

/// <summary>The last <see cref="Capacity"/> provider requests, oldest first; older ones are dropped.</summary>
internal sealed class RequestLog
{
    public const int Capacity = 500;

    private readonly Queue<RecordedRequest> _requests = new();
    private readonly Lock _gate = new();

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            if (_requests.Count == Capacity)
            {
                _requests.Dequeue();
            }

            _requests.Enqueue(request);
        }
    }

    /// <summary>The requests that presented <paramref name="key"/> (all when null), newest last, at most <paramref name="limit"/> of the newest.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot(string? key, int? limit)
    {
        List<RecordedRequest> matching;
        lock (_gate)
        {
            matching = key is null
                ? [.. _requests]
                : _requests.Where(r => string.Equals(r.Credential, key, StringComparison.Ordinal)).ToList();
        }

        return limit is { } max && max >= 0 && matching.Count > max ? matching.GetRange(matching.Count - max, max) : matching;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }
}
