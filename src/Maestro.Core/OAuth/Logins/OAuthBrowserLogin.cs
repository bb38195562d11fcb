using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// Callback and paste logins: the authorization URL with a fresh state and PKCE challenge, the loopback server the
/// browser comes back to (callback), and the timer that expires a login nobody completed.
/// </summary>
public sealed class OAuthBrowserLogin(
    OAuthCodeReceiver receiver, OAuthFlowProgress progress, OAuthSettings settings, TimeProvider time, ILogger<OAuthBrowserLogin> logger)
{
    /// <summary>The new login and its secrets (not stored yet); a callback login's server is in <paramref name="running"/>.</summary>
    public async Task<(OAuthFlow Flow, OAuthFlowSecrets Secrets)> StartAsync(RunningLogin running, OAuthLoginPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = Pkce.NewState();
        var pkce = Pkce.Create();
        var provider = plan.Provider;
        Uri redirectUri;
        string message;
        if (plan.Method == OAuthLoginMethod.Callback)
        {
            var id = running.Id;
            running.Server = await LoopbackCallbackServer.StartAsync(
                provider.RedirectUri(OAuthLoginMethod.Callback), provider.RedirectUriSetting, query => receiver.OnCallbackAsync(id, query), cancellationToken);
            redirectUri = running.Server.RedirectUri;
            message = $"Open the sign-in page; the browser comes back to {redirectUri.GetLeftPart(UriPartial.Path)}.";
        }
        else
        {
            redirectUri = provider.RedirectUri(OAuthLoginMethod.Paste);
            message = "Open the sign-in page, then paste the code it shows (or the address the browser ends on).";
        }

        var flow = new OAuthFlow(
            running.Id, plan.ProviderId, plan.AuthName, plan.Method, OAuthFlowStatus.Pending, plan.Options,
            provider.AuthorizationUrl(new OAuthAuthorizationRequest(redirectUri, state, pkce.Challenge, plan.Options)),
            redirectUri, null, null, null, message, null, now, now + settings.LoginTimeout, now);
        return (flow, new OAuthFlowSecrets(state, pkce.Verifier, null));
    }

    /// <summary>The login's worker: expires it when nobody completed it in time.</summary>
    public async Task ExpireWhenAbandonedAsync(OAuthFlow flow, CancellationToken stop)
    {
        try
        {
            var wait = flow.ExpiresAt - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stop);
            }

            await progress.ExpireAsync(flow, "Nobody completed the login in time. Start it again when you are ready.");
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not mark the login {Id} as expired: {Message}", flow.Id, ex.Message);
        }
    }
}
