using System.Diagnostics;

namespace Maestro.Bench.Latency;

/// <summary>
/// Sits between Maestro's HttpClient and the socket handler and marks, for the one request in flight, when the request
/// reached the transport and when the response's first body byte was available to read. A first read that completes at
/// once (the bytes came in with the headers) is stamped with the time the headers arrived — the earliest the bytes can
/// have been there — so the time Maestro is charged with is never understated. One request at a time.
/// </summary>
public sealed class FirstByteProbe : DelegatingHandler
{
    public FirstByteProbe(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public long SendStarted { get; private set; }

    public long FirstByte { get; internal set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        SendStarted = Stopwatch.GetTimestamp();
        FirstByte = 0;
        var response = await base.SendAsync(request, cancellationToken);
        var headersAt = Stopwatch.GetTimestamp();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var probed = new StreamContent(new ProbeStream(body, this, headersAt));
        foreach (var header in response.Content.Headers)
        {
            probed.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = probed;
        return response;
    }

    private sealed class ProbeStream(Stream inner, FirstByteProbe probe, long headersAt) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var pending = inner.ReadAsync(buffer, cancellationToken);
            var immediate = pending.IsCompleted;
            var read = await pending;
            if (read > 0 && probe.FirstByte == 0)
            {
                probe.FirstByte = immediate ? headersAt : Stopwatch.GetTimestamp();
            }

            return read;
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

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
