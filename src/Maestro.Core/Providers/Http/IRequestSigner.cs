using Maestro.Core.Auths;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Puts an auth's credentials on a request the way its provider expects them (<c>x-api-key</c>, a bearer token, an
/// account header). Called for every attempt, so a refreshed credential replaces the rejected one: a signer sets its
/// headers (replacing any value already there), never appends. A request that arrived from elsewhere (a gateway's
/// pass-through) must have its own credential headers removed before it is signed.
/// </summary>
public interface IRequestSigner
{
    /// <exception cref="ProviderException">The auth has no usable credential (kind Authentication).</exception>
    void Sign(HttpRequestMessage request, AuthCredentials credentials, ProviderConnection connection);
}
