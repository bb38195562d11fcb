using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>The key in the declared header and scheme; nothing for a keyless local server.</summary>
internal sealed class CompatibleSigner(CompatibleProviderSettings settings) : IRequestSigner
{
    public void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection)
    {
        if (!settings.ApiKeyRequired)
        {
            return;
        }

        var key = credentials.ApiKey is { Length: > 0 } k ? k
            : credentials.AccessToken is { Length: > 0 } t ? t
            : throw ProviderErrors.Create(ProviderErrorKind.Authentication, connection.Context(null), null, "the auth has no API key");
        request.Headers.Remove(settings.AuthHeader);
        request.Headers.TryAddWithoutValidation(settings.AuthHeader, settings.AuthScheme.Length == 0 ? key : $"{settings.AuthScheme} {key}");
    }
}
