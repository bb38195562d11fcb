using System.Text;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// HTTP_DEBUG=1: logs every provider request and response (headers and bodies; streamed bodies as they arrive) with
/// credentials redacted. Registered only when enabled, so it costs nothing otherwise.
/// </summary>
public sealed class HttpDebugHandler(ILogger<HttpDebugHandler> logger) : DelegatingHandler
{
    private const int MaxLoggedBody = 64 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var requestText = new StringBuilder()
            .Append(request.Method).Append(' ').AppendLine(SecretRedactor.RedactUrl(request.RequestUri!));
        AppendHeaders(requestText, request.Headers);
        if (request.Content is not null)
        {
            AppendHeaders(requestText, request.Content.Headers);
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            requestText.AppendLine().Append(Truncate(SecretRedactor.RedactBody(request.Content.Headers.ContentType?.MediaType, body)));
        }

        logger.LogInformation("HTTP {Id} request\n{Request}", id, requestText.ToString());
        var response = await base.SendAsync(request, cancellationToken);
        var responseText = new StringBuilder().Append((int)response.StatusCode).Append(' ').AppendLine(response.ReasonPhrase);
        AppendHeaders(responseText, response.Headers);
        AppendHeaders(responseText, response.Content.Headers);
        logger.LogInformation("HTTP {Id} response\n{Response}", id, responseText.ToString());
        response.Content = new LoggedContent(response.Content, id, logger);
        return response;
    }

    private static void AppendHeaders(StringBuilder text, System.Net.Http.Headers.HttpHeaders headers)
    {
        foreach (var (name, values) in headers)
        {
            text.Append(name).Append(": ").AppendLine(SecretRedactor.RedactHeader(name, string.Join(", ", values)));
        }
    }

    private static string Truncate(string body) =>
        body.Length <= MaxLoggedBody ? body : string.Concat(body.AsSpan(0, MaxLoggedBody), $"… ({body.Length} characters)");

    /// <summary>Passes the body through unchanged and logs each chunk as the caller reads it.</summary>
    private sealed class LoggedContent(HttpContent inner, string id, ILogger logger) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            await inner.CopyToAsync(stream);

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new LoggingStream(await inner.ReadAsStreamAsync(), id, inner.Headers.ContentType?.MediaType, logger);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new LoggingStream(await inner.ReadAsStreamAsync(cancellationToken), id, inner.Headers.ContentType?.MediaType, logger);

        protected override bool TryComputeLength(out long length)
        {
            length = inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class LoggingStream(Stream inner, string id, string? mediaType, ILogger logger) : Stream
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Log(buffer.Span[..read], flush: read == 0);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Log(buffer.AsSpan(offset, read), flush: read == 0);
            return read;
        }

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

        private void Log(ReadOnlySpan<byte> bytes, bool flush)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush)];
            _decoder.GetChars(bytes, chars, flush);
            if (chars.Length > 0)
            {
                logger.LogInformation("HTTP {Id} body\n{Body}", id, SecretRedactor.RedactBody(mediaType, new string(chars)));
            }
            else if (flush)
            {
                logger.LogInformation("HTTP {Id} body complete", id);
            }
        }
    }
}
