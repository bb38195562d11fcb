using System.Net.Http.Headers;

namespace Maestro.Providers.Anthropic;

/// <summary>Builds requests to the Anthropic API: the URL under the base and the version header (credentials: <see cref="AnthropicSigner"/>).</summary>
internal static class AnthropicHttpRequests
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    /// <summary>Appends <paramref name="pathAndQuery"/> to the base URL, keeping any path the base has.</summary>
    public static Uri Url(Uri baseUrl, string pathAndQuery)
    {
        var root = baseUrl.AbsoluteUri;
        return new Uri(root.EndsWith('/') ? string.Concat(root.AsSpan(0, root.Length - 1), pathAndQuery) : root + pathAndQuery);
    }

    /// <summary>A POST of an already serialized JSON body; the bytes are shared by every retry attempt.</summary>
    public static HttpRequestMessage Post(Uri baseUrl, AnthropicOptions options, string path, ReadOnlyMemory<byte> body, bool stream)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonType;
        var request = new HttpRequestMessage(HttpMethod.Post, Url(baseUrl, path)) { Content = content };
        request.Headers.Accept.Add(stream ? EventStream : Json);
        request.Headers.TryAddWithoutValidation("anthropic-version", options.ApiVersion);
        return request;
    }

    public static HttpRequestMessage Get(Uri baseUrl, AnthropicOptions options, string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url(baseUrl, pathAndQuery));
        request.Headers.Accept.Add(Json);
        request.Headers.TryAddWithoutValidation("anthropic-version", options.ApiVersion);
        return request;
    }
}
