using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini;

/// <summary>
/// API keys go in the <c>x-goog-api-key</c> header, never the URL (URLs end up in logs). OAuth sends the access token
/// as a bearer token and, when a project is known, <c>x-goog-user-project</c> so quota and billing go to it.
/// </summary>
internal sealed class GeminiSigner(GeminiOptions options) : IRequestSigner
{
    private const string ApiKeyHeader = "x-goog-api-key";
    private const string ProjectHeader = "x-goog-user-project";

    public void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection)
    {
        var headers = request.Headers;
        headers.Remove(ApiKeyHeader);
        headers.Remove(ProjectHeader);
        headers.Authorization = null;
        if (connection.Auth.Type == AuthType.OAuth && credentials.AccessToken is { Length: > 0 } token)
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if ((options.UserProject ?? connection.Auth.MetadataValue(AuthMetadata.ProjectId)) is { Length: > 0 } project)
            {
                headers.TryAddWithoutValidation(ProjectHeader, project);
            }
        }
        else if (credentials.ApiKey is { Length: > 0 } key)
        {
            headers.TryAddWithoutValidation(ApiKeyHeader, key);
        }
        else
        {
            throw ProviderErrors.Create(
                ProviderErrorKind.Authentication,
                connection.Context(null),
                null,
                connection.Auth.Type == AuthType.OAuth ? "the auth has no access token" : "the auth has no API key");
        }
    }
}
