using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// Signs Code Assist requests with the login's access token only. No <c>x-goog-user-project</c>: the project travels in
/// the body, and a free-tier login's project is Google-managed, not one the user could be billed on.
/// </summary>
internal static class CodeAssistRequests
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    public static HttpRequestMessage Create(
        ProviderConnection connection, AuthCredentials credentials, HttpMethod method, Uri url, ReadOnlyMemory<byte>? body, bool stream)
    {
        if (credentials.AccessToken is not { Length: > 0 } token)
        {
            throw ProviderErrors.Create(
                ProviderErrorKind.Authentication,
                new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, null, connection.BaseUrl),
                null,
                "the Code Assist login has no access token");
        }

        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(stream ? EventStream : Json);
        if (body is { } bytes)
        {
            var content = new ReadOnlyMemoryContent(bytes);
            content.Headers.ContentType = JsonType;
            request.Content = content;
        }

        return request;
    }

    /// <summary>Sends one request through the shared pipeline (retries, 401 → refresh → retry once) and reads the whole body.</summary>
    public static async Task<byte[]> SendAsync(
        ProviderConnection connection, HttpMethod method, Uri url, ReadOnlyMemory<byte>? body, IProviderErrorMapper errors, string? model,
        CancellationToken cancellationToken)
    {
        using var response = await ProviderHttp.SendAsync(
            connection, credentials => Create(connection, credentials, method, url, body, stream: false), errors, model, cancellationToken);
        try
        {
            await using var stream = await ProviderHttp.ReadStreamAsync(connection, response, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or HttpRequestException ||
                                   (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw ProviderHttp.StreamFailure(connection, model, ex);
        }
    }
}
