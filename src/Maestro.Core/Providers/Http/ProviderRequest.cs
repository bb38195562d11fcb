namespace Maestro.Core.Providers.Http;

/// <summary>
/// What the provider handlers need to know about a request, carried in its <see cref="HttpRequestMessage.Options"/>:
/// the auth it is sent for (credentials, circuit), how it is signed, how its errors read, and the model (for messages).
/// Set by <see cref="ProviderEndpoint.SendAsync"/>; a request without it passes the handlers untouched.
/// </summary>
public sealed record ProviderRequest(ProviderConnection Connection, IRequestSigner Signer, IProviderErrorMapper Errors, string? Model)
{
    public static readonly HttpRequestOptionsKey<ProviderRequest> Key = new("maestro.provider_request");

    /// <summary>How the provider's responses report the auth's limits (rate-limit headers, 429 details), if they do.</summary>
    public Quota.IQuotaReader? Quota { get; init; }

    public ProviderRequestContext Context => new(Connection.Auth.Provider, Connection.AuthLabel, Model, Connection.BaseUrl);

    public static ProviderRequest? Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var value) ? value : null;
}
