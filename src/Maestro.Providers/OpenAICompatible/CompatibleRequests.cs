using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>Builds requests with the key in the declared header and scheme (or none for keyless local servers).</summary>
public static class CompatibleRequests
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    public static HttpRequestMessage Create(
        ProviderConnection connection, CompatibleProviderSettings settings, AuthCredentials credentials, HttpMethod method, Uri url, byte[]? content, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(stream ? EventStream : AcceptJson);
        Authorize(request, connection, settings, credentials);
        if (content is not null)
        {
            request.Content = OpenAIRequests.JsonContent(content);
        }

        return request;
    }

    /// <summary>The key in the declared header and scheme; nothing for servers that need no key.</summary>
    public static void Authorize(HttpRequestMessage request, ProviderConnection connection, CompatibleProviderSettings settings, AuthCredentials credentials)
    {
        if (settings.ApiKeyRequired)
        {
            var key = credentials.ApiKey is { Length: > 0 } k ? k
                : credentials.AccessToken is { Length: > 0 } t ? t
                : throw ProviderErrors.Create(
                    ProviderErrorKind.Authentication,
                    new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, null, connection.BaseUrl),
                    null,
                    "the auth has no API key");
            var value = settings.AuthScheme.Length == 0 ? key : $"{settings.AuthScheme} {key}";
            request.Headers.TryAddWithoutValidation(settings.AuthHeader, value);
        }
    }
}
