using System.Runtime.CompilerServices;

namespace Maestro.Bench.Clients;

/// <summary>
/// A response body that arrives like a paced stream on a socket: every read completes asynchronously and returns at
/// most one SSE event. It shows the per-read costs (async state machines) that a read from memory never pays.
/// </summary>
public sealed class TrickleStream(byte[] body) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var rest = body.AsSpan(_position);
        var end = rest.IndexOf("\n\n"u8);
        var count = Math.Min(buffer.Length, end < 0 ? rest.Length : end + 2);
        rest[..count].CopyTo(buffer.Span);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
