using System.Net.Http.Headers;
using Maestro.Core.Providers;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>Requests to the Code Assist server (credentials: <see cref="CodeAssistSigner"/>).</summary>
internal static class CodeAssistRequests
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    public static HttpRequestMessage Create(HttpMethod method, Uri url, ReadOnlyMemory<byte>? body, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(stream ? EventStream : Json);
        if (body is { } bytes)
        {
            var content = new ReadOnlyMemoryContent(bytes);
            content.Headers.ContentType = JsonType;
            request.Content = content;
        }

        return request;
    }

    /// <summary>Sends one request (retries, 401 → refresh → retry once) and reads the whole body.</summary>
    public static async Task<byte[]> SendAsync(
        ProviderEndpoint endpoint, HttpMethod method, Uri url, ReadOnlyMemory<byte>? body, string? model, CancellationToken cancellationToken)
    {
        using var response = await endpoint.SendAsync(Create(method, url, body, stream: false), model, cancellationToken);
        return await endpoint.Connection.ReadBodyAsync(response, model, cancellationToken);
    }
}
