using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Upstream;

/// <summary>One auth, ready to call: its chat client for translated requests, and raw sends for pass-through.</summary>
internal sealed class Upstream(IProvider provider, ProviderConnection connection)
{
    private IChatClient? _client;

    public IProvider Provider { get; } = provider;

    public ProviderConnection Connection { get; } = connection;

    public AuthRecord Auth => Connection.Auth;

    public ProviderDescriptor Descriptor => Provider.Descriptor;

    /// <summary>The wire API this auth's requests are written in (its signatures belong to it), if it has one.</summary>
    public WireApi? NativeApi => (Provider as IPassThroughProvider)?.NativeApi(Connection.Auth);

    public IChatClient ChatClient => _client ??= Provider.CreateChatClient(Connection);

    /// <summary>Where a request in <paramref name="api"/> can go as it is, or null when it must be translated.</summary>
    public PassThroughEndpoint? PassThrough(WireApi api, string model, bool stream, string? method = null) =>
        (Provider as IPassThroughProvider)?.PassThrough(Connection, api, model, stream, method);

    /// <summary>
    /// Sends a raw request with the auth's credentials applied by <paramref name="endpoint"/>: retried like every
    /// provider call before any byte of the answer, refreshed and sent once more after a 401, failures as
    /// <see cref="ProviderException"/>. The answer's body is unread.
    /// </summary>
    /// <param name="build">A fresh request per attempt, without credentials.</param>
    public Task<HttpResponseMessage> SendAsync(PassThroughEndpoint endpoint, Func<HttpRequestMessage> build, string model, CancellationToken cancellationToken) =>
        ProviderHttp.SendAsync(
            Connection,
            credentials =>
            {
                var request = build();
                endpoint.Authorize(request, credentials);
                return request;
            },
            endpoint.Errors,
            model,
            cancellationToken);

    /// <summary>The answer's body, failing as a transport error when it stalls past the idle timeout.</summary>
    public Task<Stream> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ProviderHttp.ReadStreamAsync(Connection, response, cancellationToken);
}
