namespace Maestro.Tests.Infrastructure;

/// <summary>
/// Serves bytes in the chunk sizes a test chooses (one byte at a time, split at event boundaries, …) to prove a
/// parser does not depend on how the network happens to cut the data.
/// </summary>
public sealed class ChunkedStream(byte[] data, IReadOnlyList<int> cuts) : Stream
{
    private int _position;
    private int _nextCut;

    /// <summary>Every read returns exactly one byte.</summary>
    public static ChunkedStream ByteAtATime(byte[] data) => new(data, [.. Enumerable.Range(1, data.Length)]);

    /// <summary>Reads end at every position where <paramref name="boundary"/> ends (e.g. "\n\n" for SSE events).</summary>
    public static ChunkedStream SplitAfter(byte[] data, byte[] boundary)
    {
        var cuts = new List<int>();
        for (var i = 0; i + boundary.Length <= data.Length; i++)
        {
            if (data.AsSpan(i, boundary.Length).SequenceEqual(boundary))
            {
                cuts.Add(i + boundary.Length);
            }
        }

        cuts.Add(data.Length);
        return new ChunkedStream(data, cuts);
    }

    /// <summary>Offsets just after each SSE event (a blank line, LF or CRLF framed).</summary>
    public static IReadOnlyList<int> EventEnds(byte[] data)
    {
        var ends = new List<int>();
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\n' && i + 1 < data.Length && data[i + 1] == '\n')
            {
                ends.Add(i + 2);
            }
            else if (data[i] == '\r' && i + 3 < data.Length && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
            {
                ends.Add(i + 4);
            }
        }

        return ends;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= data.Length)
        {
            return 0;
        }

        while (_nextCut < cuts.Count && cuts[_nextCut] <= _position)
        {
            _nextCut++;
        }

        var end = _nextCut < cuts.Count ? cuts[_nextCut] : data.Length;
        var n = Math.Min(buffer.Length, end - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
