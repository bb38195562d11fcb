using Maestro.Core.Providers.Http;

namespace Maestro.Core.Providers;

/// <summary>
/// Where and how a provider serves one auth over HTTP: the connection (pointed at the backend that serves the auth's
/// mode), how a request is signed with its credentials and how error responses read. Every request an adapter sends
/// goes through <see cref="SendAsync"/>, and so can any other request for the auth (a gateway passing a client's
/// request through): each gets the auth's current credentials, one refresh and one retry after a 401, retries of
/// transient failures before the first byte, the circuit breaker of the provider and auth, typed errors and the
/// stream idle timeout.
/// </summary>
public sealed record ProviderEndpoint(ProviderConnection Connection, IRequestSigner Signer, IProviderErrorMapper Errors)
{
    /// <summary>Reads the auth's quota from this backend's responses (<see cref="Quota.QuotaHandler"/>); null: it reports none.</summary>
    public Quota.IQuotaReader? Quota { get; init; }

    /// <summary>Sends the request; the response's body is unread (stream it) and fails after the idle timeout.</summary>
    /// <param name="request">Unsigned: the credentials are added per attempt. Disposed with the response.</param>
    /// <param name="model">Named in error messages.</param>
    /// <exception cref="ProviderException">Any failure before the body, after retries.</exception>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? model, CancellationToken cancellationToken) =>
        Connection.SendAsync(request, new ProviderRequest(Connection, Signer, Errors, model) { Quota = Quota }, cancellationToken);
}
