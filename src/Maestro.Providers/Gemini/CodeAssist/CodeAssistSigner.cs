using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// Signs Code Assist requests with the login's access token only. No <c>x-goog-user-project</c>: the project travels in
/// the body, and a free-tier login's project is Google-managed, not one the user could be billed on.
/// </summary>
internal sealed class CodeAssistSigner : IRequestSigner
{
    public static CodeAssistSigner Instance { get; } = new();

    public void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection)
    {
        if (credentials.AccessToken is not { Length: > 0 } token)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Authentication, connection.Context(null), null, "the Code Assist login has no access token");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}
