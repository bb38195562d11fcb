using System.Net.Http.Headers;

namespace Maestro.Providers.Gemini;

/// <summary>Gemini API URLs under the base URL.</summary>
internal static class GeminiEndpoints
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    /// <summary><c>{base}/v1beta/models/{model}:generateContent</c>, or <c>:streamGenerateContent?alt=sse</c>.</summary>
    public static Uri Generate(Uri baseUrl, string model, bool stream)
    {
        // Tuned models live under tunedModels/; anything else is a base model under models/.
        var resource = model.StartsWith("models/", StringComparison.Ordinal) || model.StartsWith("tunedModels/", StringComparison.Ordinal)
            ? model
            : "models/" + Uri.EscapeDataString(model);
        var method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
        return new Uri(Versioned(baseUrl) + "/" + resource + method);
    }

    /// <summary><c>{base}/v1beta/models?pageSize=N[&amp;pageToken=…]</c>.</summary>
    public static Uri Models(Uri baseUrl, int pageSize, string? pageToken) => new(
        Versioned(baseUrl) + "/models?pageSize=" + pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) +
        (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken)));

    /// <summary>A request to the Gemini API (credentials: <see cref="GeminiSigner"/>).</summary>
    public static HttpRequestMessage Create(HttpMethod method, Uri url, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(stream ? EventStream : Json);
        return request;
    }

    /// <summary><c>{base}/v1beta/models/{model}:{method}</c> for a method other than generating (e.g. countTokens).</summary>
    public static Uri Method(Uri baseUrl, string model, string method)
    {
        var generate = Generate(baseUrl, model, stream: false).AbsoluteUri;
        return new Uri(string.Concat(generate.AsSpan(0, generate.Length - ":generateContent".Length), ":", method));
    }

    /// <summary>The base URL with the API version: <c>/v1beta</c> appended unless the base already ends in a version.</summary>
    private static string Versioned(Uri baseUrl)
    {
        var text = baseUrl.AbsoluteUri.TrimEnd('/');
        return text.EndsWith("/v1beta", StringComparison.Ordinal) || text.EndsWith("/v1", StringComparison.Ordinal) ||
               text.EndsWith("/v1alpha", StringComparison.Ordinal)
            ? text
            : text + "/v1beta";
    }
}
