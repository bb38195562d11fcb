using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Anthropic;

/// <summary>Builds requests to the Anthropic API: the URL under the base, the version header and the auth headers.</summary>
internal static class AnthropicHttpRequests
{
    /// <summary>The beta flag Anthropic documents for requests authorised with an OAuth access token.</summary>
    public const string OAuthBeta = "oauth-2025-04-20";

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
    public static HttpRequestMessage Post(ProviderConnection connection, AnthropicOptions options, AuthCredentials credentials, string path, ReadOnlyMemory<byte> body, bool stream)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonType;
        var request = new HttpRequestMessage(HttpMethod.Post, Url(connection.BaseUrl, path)) { Content = content };
        request.Headers.Accept.Add(stream ? EventStream : Json);
        Authorize(request, connection, options, credentials);
        return request;
    }

    public static HttpRequestMessage Get(ProviderConnection connection, AnthropicOptions options, AuthCredentials credentials, string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url(connection.BaseUrl, pathAndQuery));
        request.Headers.Accept.Add(Json);
        Authorize(request, connection, options, credentials);
        return request;
    }

    /// <summary>
    /// API keys go in x-api-key. An OAuth login sends its access token as a bearer token with the documented OAuth beta
    /// flag, and nothing else: no product identity of any kind is claimed. A version the request already names (a
    /// forwarded client request) is kept.
    /// </summary>
    internal static void Authorize(HttpRequestMessage request, ProviderConnection connection, AnthropicOptions options, AuthCredentials credentials)
    {
        if (!request.Headers.Contains("anthropic-version"))
        {
            request.Headers.TryAddWithoutValidation("anthropic-version", options.ApiVersion);
        }

        if (connection.Auth.Type == AuthType.OAuth && !string.IsNullOrEmpty(credentials.AccessToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AccessToken);
            request.Headers.TryAddWithoutValidation("anthropic-beta", OAuthBeta);
            return;
        }

        if (!string.IsNullOrEmpty(credentials.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("x-api-key", credentials.ApiKey);
            return;
        }

        throw ProviderErrors.Create(
            ProviderErrorKind.Authentication,
            new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, null, connection.BaseUrl),
            null,
            connection.Auth.Type == AuthType.OAuth ? "the login has no access token" : "the auth has no API key");
    }
}
