using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// Signs requests to the ChatGPT backend: the login's access token as a bearer token and the ChatGPT account it acts
/// for in <c>ChatGPT-Account-Id</c>. Nothing else: Maestro sends no other product's originator, user agent or version.
/// </summary>
internal sealed class ChatGptSigner : IRequestSigner
{
    public static ChatGptSigner Instance { get; } = new();

    public void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection)
    {
        var account = ChatGptRequests.AccountId(connection);
        if (credentials.AccessToken is not { Length: > 0 } token)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Authentication, connection.Context(null), null, "the ChatGPT login has no access token");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Remove(ChatGptRequests.AccountHeader);
        request.Headers.TryAddWithoutValidation(ChatGptRequests.AccountHeader, account);
    }
}
