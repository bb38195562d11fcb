using System.Net.Http.Headers;

namespace Maestro.Providers.OpenAI;

/// <summary>Builds OpenAI HTTP requests (credentials: <see cref="OpenAISigner"/>).</summary>
public static class OpenAIRequests
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    public static HttpRequestMessage Create(HttpMethod method, Uri url, byte[]? content, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(stream ? EventStream : AcceptJson);
        if (content is not null)
        {
            request.Content = JsonContent(content);
        }

        return request;
    }

    /// <summary>A JSON body over the given bytes; it can be sent again by a retry.</summary>
    public static HttpContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        return content;
    }
}
