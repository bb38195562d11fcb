using System.Net;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// A response body read through an <see cref="IdleTimeoutStream"/>: reading it (as a stream, or whole) fails once
/// nothing arrived for the idle timeout, and stops when the sender's token is cancelled.
/// </summary>
public sealed class IdleTimeoutContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellationToken;

    public IdleTimeoutContent(HttpContent inner, TimeSpan idleTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        _inner = inner;
        _idleTimeout = idleTimeout;
        _time = time;
        _cancellationToken = cancellationToken;
        foreach (var (name, values) in inner.Headers)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(_cancellationToken);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new IdleTimeoutStream(await _inner.ReadAsStreamAsync(cancellationToken), _idleTimeout, _time, _cancellationToken);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, _cancellationToken);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var body = await CreateContentReadStreamAsync(cancellationToken);
        await body.CopyToAsync(stream, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
