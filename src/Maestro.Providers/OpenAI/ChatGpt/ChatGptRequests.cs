using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>Requests to the ChatGPT backend and the account they act for (credentials: <see cref="ChatGptSigner"/>).</summary>
public static class ChatGptRequests
{
    public const string AccountHeader = "ChatGPT-Account-Id";

    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    /// <summary>The ChatGPT account id from the auth's <c>account_id</c> metadata (set from the id_token at login).</summary>
    /// <exception cref="ProviderException">The auth has none: every call would fail.</exception>
    public static string AccountId(ProviderConnection connection) =>
        connection.Auth.MetadataValue(AuthMetadata.AccountId) is { Length: > 0 } account
            ? account
            : throw new ProviderException(
                ProviderErrorKind.Authentication,
                $"Auth {connection.AuthLabel} is a ChatGPT login without an account id (metadata '{AuthMetadata.AccountId}'), " +
                $"which the ChatGPT backend requires in the {AccountHeader} header.",
                hint: $"Log in again so the account id is read from the login: `maestro auth login {connection.Auth.Provider} {connection.Auth.Name}`.");

    public static HttpRequestMessage Create(HttpMethod method, Uri url, byte[]? body, bool stream)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(stream ? EventStream : Json);
        if (body is not null)
        {
            request.Content = OpenAIRequests.JsonContent(body);
        }

        return request;
    }
}
