using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini;

/// <summary>Gemini API URLs under the base URL, and how each auth type signs a request.</summary>
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

    /// <summary>
    /// API keys go in the <c>x-goog-api-key</c> header, never the URL (URLs end up in logs). OAuth sends the access
    /// token as a bearer token and, when a project is known, <c>x-goog-user-project</c> so quota and billing go to it.
    /// </summary>
    public static HttpRequestMessage Create(
        HttpMethod method, Uri url, ProviderConnection connection, AuthCredentials credentials, GeminiOptions options, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(stream ? EventStream : Json);
        try
        {
            Authorize(request, connection, credentials, options);
        }
        catch
        {
            request.Dispose();
            throw;
        }

        return request;
    }

    /// <summary>Signs a request as <see cref="Create"/> does (API key header, or bearer token and user project).</summary>
    public static void Authorize(HttpRequestMessage request, ProviderConnection connection, AuthCredentials credentials, GeminiOptions options)
    {
        if (connection.Auth.Type == AuthType.OAuth && credentials.AccessToken is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if ((options.UserProject ?? connection.Auth.MetadataValue(AuthMetadata.ProjectId)) is { Length: > 0 } project)
            {
                request.Headers.TryAddWithoutValidation("x-goog-user-project", project);
            }
        }
        else if (credentials.ApiKey is { Length: > 0 } key)
        {
            request.Headers.TryAddWithoutValidation("x-goog-api-key", key);
        }
        else
        {
            throw ProviderErrors.Create(
                ProviderErrorKind.Authentication,
                new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, null, connection.BaseUrl),
                null,
                connection.Auth.Type == AuthType.OAuth ? "the auth has no access token" : "the auth has no API key");
        }
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
