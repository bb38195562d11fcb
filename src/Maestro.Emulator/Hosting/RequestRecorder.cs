using Maestro.Emulator.Control;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>Adds provider requests to the request log as they arrive, before any answer is written.</summary>
internal sealed class RequestRecorder(RequestLog log, TimeProvider time)
{
    public void Record(HttpContext context, string provider, string? credential, string? model, ReadOnlyMemory<byte> body)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = Redaction.Header(name, values.ToString());
        }

        log.Add(new RecordedRequest
        {
            Time = time.GetUtcNow(),
            Method = request.Method,
            Path = Redaction.PathAndQuery(request),
            Provider = provider,
            Model = model,
            Headers = headers,
            Protocol = request.Protocol,
            Connection = context.Connection.Id,
            Body = body,
            Credential = credential,
        });
    }

    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 4096);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
