using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Providers;

/// <summary>Resolves an auth to its provider and a ready <see cref="ProviderConnection"/> or chat client.</summary>
public sealed class ProviderConnections(
    AuthService auths,
    ProviderRegistry registry,
    ICredentialSourceFactory credentialSources,
    IHttpClientFactory httpClients,
    ProviderRuntime runtime)
{
    /// <summary>The named HttpClient every provider call uses (HTTP_DEBUG logging is attached to it).</summary>
    public const string HttpClientName = "maestro.providers";

    public async Task<(IProvider Provider, ProviderConnection Connection)> ConnectAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        var stored = await auths.GetWithCredentialsAsync(auth, cancellationToken);
        return Connect(stored);
    }

    public (IProvider Provider, ProviderConnection Connection) Connect(StoredAuth stored)
    {
        if (!registry.TryGet(stored.Record.Provider, out var provider))
        {
            throw new MaestroException(
                $"Auth {stored.Record.Ref} belongs to provider '{stored.Record.Provider}', which is not configured any more.",
                "Declare the provider again, or remove the auth.");
        }

        if (stored.Record.Status == AuthStatus.NeedsRelogin)
        {
            throw new MaestroException(
                $"Auth {stored.Record.Ref} needs a new login: {stored.Record.StatusMessage ?? "its refresh token was rejected"}.",
                $"Run `maestro auth login {stored.Record.Provider} {stored.Record.Name}`.");
        }

        var baseUrl = stored.Record.MetadataValue(AuthMetadata.BaseUrl) is { } overridden
            ? new Uri(overridden)
            : provider.Descriptor.DefaultBaseUrl;
        var connection = new ProviderConnection(
            stored.Record, credentialSources.Create(stored), httpClients.CreateClient(HttpClientName), baseUrl, runtime);
        return (provider, connection);
    }

    public async Task<IChatClient> CreateChatClientAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        var (provider, connection) = await ConnectAsync(auth, cancellationToken);
        return provider.CreateChatClient(connection);
    }
}
