using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// The ChatGPT backend takes the login's access token (<c>Authorization: Bearer</c>) and the account it acts for
/// (<c>ChatGPT-Account-Id</c>). No token, or a rejected one, is a 401; a token without the account header a 400.
/// </summary>
internal sealed class ChatGptAuth(CredentialPolicy credentials, ChatGptErrors errors) : IProviderAuth
{
    public const string AccountHeader = "ChatGPT-Account-Id";

    public AuthOutcome Authenticate(HttpRequest request)
    {
        var token = CredentialPolicy.BearerToken(request.Headers.Authorization.ToString());
        if (string.IsNullOrEmpty(token))
        {
            return new AuthOutcome(null, errors.MissingToken());
        }

        if (!credentials.Accepts(token))
        {
            return new AuthOutcome(token, errors.ExpiredToken());
        }

        return request.Headers[AccountHeader].ToString().Trim().Length == 0
            ? new AuthOutcome(token, errors.Detail(400, $"Missing {AccountHeader} header"))
            : new AuthOutcome(token, null);
    }
}
