using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Pipeline;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Upstream;

/// <summary>One auth, ready to call: its chat client for translated requests, and raw sends for pass-through.</summary>
internal sealed class Upstream(IProvider provider, ProviderConnection connection, ChatPipeline pipeline)
{
    private IChatClient? _client;
    private ProviderEndpoint? _endpoint;

    public IProvider Provider { get; } = provider;

    public ProviderConnection Connection { get; } = connection;

    public AuthRecord Auth => Connection.Auth;

    public ProviderDescriptor Descriptor => Provider.Descriptor;

    /// <summary>The wire API this auth's requests are written in (its signatures belong to it), if it has one.</summary>
    public WireApi? NativeApi => (Provider as IPassThroughProvider)?.NativeApi(Connection.Auth);

    /// <summary>The auth's pipeline with its telemetry (the gateway records the usage per key itself, see <see cref="ChatPipeline.BuildWithoutLedger"/>).</summary>
    public IChatClient ChatClient => _client ??= pipeline.BuildWithoutLedger(Provider, Connection);

    /// <summary>Where a request in <paramref name="api"/> can go as it is, or null when it must be translated.</summary>
    public PassThroughEndpoint? PassThrough(WireApi api, string model, bool stream, string? method = null) =>
        (Provider as IPassThroughProvider)?.PassThrough(Connection, api, model, stream, method);

    /// <summary>
    /// Sends a raw request through the auth's endpoint: signed with its current credentials, retried like every
    /// provider call before any byte of the answer (unless this connection fails fast), refreshed and sent once more
    /// after a 401, failures as <see cref="ProviderException"/>. The answer's body is unread and fails when it stalls
    /// past the idle timeout.
    /// </summary>
    /// <param name="request">Without credentials; disposed with the response.</param>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string model, CancellationToken cancellationToken) =>
        (_endpoint ??= Provider.Endpoint(Connection)).SendAsync(request, model, cancellationToken);
}
