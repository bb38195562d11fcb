using Maestro.Core.OAuth.Logins;

namespace Maestro.Core.OAuth;

/// <summary>
/// Runs OAuth logins for the CLI, the REST API and the UI: start (URL, or user code), then completion by the loopback
/// callback, a pasted code, or device polling; the result is a new or renewed OAuth auth. Every step is stored (so
/// another instance can take a pasted code) and published as an <c>oauth_flow</c> event (so a UI can follow it live).
/// Each step lives in its own type under <c>OAuth/Logins/</c>; this is the one door callers use.
/// </summary>
public sealed class OAuthLoginService(OAuthLoginStarter starter, OAuthCodeReceiver codes, OAuthFlowProgress progress)
{
    public Task<OAuthFlow> StartAsync(OAuthStartRequest request, CancellationToken cancellationToken) =>
        starter.StartAsync(request, cancellationToken);

    /// <summary>Finishes a callback or paste login with what the user pasted: <c>code#state</c>, the callback URL or its query.</summary>
    public Task<OAuthFlow> CompleteAsync(Guid flowId, string? pasted, CancellationToken cancellationToken) =>
        codes.CompleteAsync(flowId, pasted, cancellationToken);

    public Task<OAuthFlow> GetAsync(Guid flowId, CancellationToken cancellationToken) => progress.GetAsync(flowId, cancellationToken);

    /// <inheritdoc cref="OAuthFlowProgress.WaitAsync"/>
    public Task<OAuthFlow> WaitAsync(Guid flowId, CancellationToken cancellationToken) => progress.WaitAsync(flowId, cancellationToken);

    public Task<OAuthFlow> CancelAsync(Guid flowId, CancellationToken cancellationToken) => progress.CancelAsync(flowId, cancellationToken);
}
