namespace Maestro.Emulator.Control;

/// <summary>
/// The last <see cref="DefaultCapacity"/> provider requests, oldest first; older ones are dropped. Bodies are kept
/// verbatim, so the log also drops the oldest requests once their bodies exceed <see cref="DefaultMaxBodyBytes"/>:
/// a benchmark or a long <c>maestro emulate</c> session with large prompts must not grow without bound.
/// </summary>
internal sealed class RequestLog(int capacity = RequestLog.DefaultCapacity, long maxBodyBytes = RequestLog.DefaultMaxBodyBytes)
{
    public const int DefaultCapacity = 500;
    public const long DefaultMaxBodyBytes = 64L * 1024 * 1024;

    private readonly Queue<RecordedRequest> _requests = new();
    private readonly Lock _gate = new();
    private long _bodyBytes;

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Enqueue(request);
            _bodyBytes += request.Body.Length;
            // The newest request always stays, however large.
            while (_requests.Count > 1 && (_requests.Count > capacity || _bodyBytes > maxBodyBytes))
            {
                _bodyBytes -= _requests.Dequeue().Body.Length;
            }
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
            _bodyBytes = 0;
        }
    }
}
