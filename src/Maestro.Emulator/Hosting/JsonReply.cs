using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>A whole JSON answer (a provider-shaped error, a model list): status, body and extra headers (e.g. Retry-After).</summary>
internal sealed record JsonReply(int Status, byte[] Body, string ContentType = "application/json", IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public async Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        foreach (var (name, value) in Headers ?? [])
        {
            response.Headers[name] = value;
        }

        await response.Body.WriteAsync(Body, context.RequestAborted);
    }
}
