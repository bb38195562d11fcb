using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAI;

/// <summary>Builds OpenAI HTTP requests: bearer credentials and the optional organization/project headers.</summary>
public static class OpenAIRequests
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    public static HttpRequestMessage Create(
        ProviderConnection connection, OpenAIOptions options, AuthCredentials credentials, HttpMethod method, Uri url, byte[]? content, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        Authorize(request, connection, options, credentials);
        request.Headers.Accept.Add(stream ? EventStream : AcceptJson);
        if (content is not null)
        {
            request.Content = JsonContent(content);
        }

        return request;
    }

    /// <summary>The key (or an OAuth login's access token) as a bearer token, and the organization and project when set.</summary>
    public static void Authorize(HttpRequestMessage request, ProviderConnection connection, OpenAIOptions options, AuthCredentials credentials)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(connection, credentials));
        if (options.Organization is { } organization)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
        }

        if (options.Project is { } project)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Project", project);
        }
    }

    /// <summary>A fresh content object per attempt over the same bytes (a sent HttpContent cannot be sent again).</summary>
    public static HttpContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        return content;
    }

    /// <summary>
    /// Reads a whole (non-streaming) body under the same idle timeout as a stream, so a server that stalls mid-body
    /// fails as a transport error instead of hanging.
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(ProviderConnection connection, HttpResponseMessage response, string? model, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await ProviderHttp.ReadStreamAsync(connection, response, cancellationToken);
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutException ||
                                   (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw ProviderHttp.StreamFailure(connection, model, ex);
        }
    }

    /// <summary>An API key, or the access token of an OAuth login.</summary>
    private static string Token(ProviderConnection connection, AuthCredentials credentials) =>
        credentials.ApiKey is { Length: > 0 } key ? key
        : credentials.AccessToken is { Length: > 0 } token ? token
        : throw ProviderErrors.Create(
            ProviderErrorKind.Authentication,
            new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, null, connection.BaseUrl),
            null,
            "the auth has no API key or access token");
}
