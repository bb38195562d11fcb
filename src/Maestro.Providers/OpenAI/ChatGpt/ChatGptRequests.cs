using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// Signs requests to the ChatGPT backend: the login's access token as a bearer token and the ChatGPT account it acts
/// for in <c>ChatGPT-Account-Id</c>. Nothing else: Maestro sends no other product's originator, user agent or version.
/// </summary>
public static class ChatGptRequests
{
    public const string AccountHeader = "ChatGPT-Account-Id";

    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    /// <summary>The ChatGPT account id from the auth's <c>account_id</c> metadata (set from the id_token at login).</summary>
    /// <exception cref="ProviderException">The auth has none: checked before any call, since every call would fail.</exception>
    public static string AccountId(ProviderConnection connection) =>
        connection.Auth.MetadataValue(AuthMetadata.AccountId) is { Length: > 0 } account
            ? account
            : throw new ProviderException(
                ProviderErrorKind.Authentication,
                $"Auth {connection.AuthLabel} is a ChatGPT login without an account id (metadata '{AuthMetadata.AccountId}'), " +
                $"which the ChatGPT backend requires in the {AccountHeader} header.",
                hint: $"Log in again so the account id is read from the login: `maestro auth login {connection.Auth.Provider} {connection.Auth.Name}`.");

    public static HttpRequestMessage Create(
        ProviderConnection connection, AuthCredentials credentials, string accountId, HttpMethod method, Uri url, byte[]? body, bool stream)
    {
        if (credentials.AccessToken is not { Length: > 0 } token)
        {
            throw ProviderErrors.Create(
                ProviderErrorKind.Authentication,
                new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, null, connection.BaseUrl),
                null,
                "the ChatGPT login has no access token");
        }

        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation(AccountHeader, accountId);
        request.Headers.Accept.Add(stream ? EventStream : Json);
        if (body is not null)
        {
            request.Content = OpenAIRequests.JsonContent(body);
        }

        return request;
    }
}
