using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers.Http;
using Maestro.Core.Providers.Pipeline;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Providers;

/// <summary>
/// Resolves an auth to its provider, a <see cref="ProviderConnection"/> and its chat pipeline. The connection and the
/// pipeline are built once per auth and kept until the auth or its provider changes (a new key, base URL, name, login or
/// refresh; an edit of a saved provider).
/// </summary>
public sealed class ProviderConnections(
    AuthService auths,
    ProviderRegistry registry,
    ICredentialSourceFactory credentialSources,
    IHttpClientFactory httpClients,
    ProviderRuntime runtime,
    ChatPipeline pipeline)
{
    /// <summary>The named HttpClient every provider call uses; its handlers are <see cref="Http.ProviderHttpHandlers"/>.</summary>
    public const string HttpClientName = "maestro.providers";

    private readonly ConcurrentDictionary<Guid, AuthClient> _clients = new();

    public async Task<(IProvider Provider, ProviderConnection Connection)> ConnectAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        var stored = await auths.GetWithCredentialsAsync(auth, cancellationToken);
        return Connect(stored);
    }

    public (IProvider Provider, ProviderConnection Connection) Connect(StoredAuth stored)
    {
        var client = Client(stored);
        return (client.Provider, client.Connection);
    }

    /// <summary>The auth's pipeline (see <see cref="ChatPipeline"/>): a plain <see cref="IChatClient"/>.</summary>
    public async Task<IChatClient> CreateChatClientAsync(AuthRef auth, CancellationToken cancellationToken) =>
        Client(await auths.GetWithCredentialsAsync(auth, cancellationToken)).Chat;

    /// <summary>The pipeline of a connection from <see cref="Connect"/> (built afresh for any other connection).</summary>
    public IChatClient ChatClient(IProvider provider, ProviderConnection connection) =>
        _clients.TryGetValue(connection.Auth.Id, out var client) && ReferenceEquals(client.Connection, connection)
            ? client.Chat
            : pipeline.Build(provider, connection);

    /// <summary>
    /// How the auth is served over HTTP: send any request for it (a client's request passed through) with its
    /// credentials, refresh and retries (<see cref="ProviderEndpoint.SendAsync"/>).
    /// </summary>
    public async Task<ProviderEndpoint> EndpointAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        var client = Client(await auths.GetWithCredentialsAsync(auth, cancellationToken));
        return client.Provider.Endpoint(client.Connection);
    }

    private AuthClient Client(StoredAuth stored)
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

        var version = AuthVersion.Of(stored.Record);
        // A provider saved in the settings is a new instance after each edit (a new base URL, header, path): the next
        // call gets a connection and a pipeline built with it.
        if (_clients.TryGetValue(stored.Record.Id, out var cached) && cached.Version == version && ReferenceEquals(cached.Provider, provider))
        {
            return cached;
        }

        var baseUrl = stored.Record.MetadataValue(AuthMetadata.BaseUrl) is { } overridden
            ? new Uri(overridden)
            : provider.Descriptor.DefaultBaseUrl;
        var connection = new ProviderConnection(
            stored.Record, credentialSources.Create(stored), httpClients.CreateClient(HttpClientName), baseUrl, runtime);
        var client = new AuthClient(version, provider, connection, pipeline.Build(provider, connection));
        _clients[stored.Record.Id] = client;
        return client;
    }

    /// <summary>What makes a kept pipeline stale: any change to the auth's row.</summary>
    private readonly record struct AuthVersion(DateTimeOffset UpdatedAt, DateTimeOffset? RefreshedAt, AuthStatus Status, string Name)
    {
        public static AuthVersion Of(AuthRecord auth) => new(auth.UpdatedAt, auth.RefreshedAt, auth.Status, auth.Name);
    }

    private sealed record AuthClient(AuthVersion Version, IProvider Provider, ProviderConnection Connection, IChatClient Chat);
}
