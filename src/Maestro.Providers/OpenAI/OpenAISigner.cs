using System.Net.Http.Headers;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAI;

/// <summary>An API key (or an OAuth login's access token) as a bearer token, with the optional organization/project headers.</summary>
internal sealed class OpenAISigner(OpenAIOptions options) : IRequestSigner
{
    public void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection)
    {
        var token = credentials.ApiKey is { Length: > 0 } key ? key
            : credentials.AccessToken is { Length: > 0 } access ? access
            : throw ProviderErrors.Create(ProviderErrorKind.Authentication, connection.Context(null), null, "the auth has no API key or access token");
        var headers = request.Headers;
        headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Set(headers, "OpenAI-Organization", options.Organization);
        Set(headers, "OpenAI-Project", options.Project);
    }

    private static void Set(HttpRequestHeaders headers, string name, string? value)
    {
        headers.Remove(name);
        if (value is not null)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
