using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// Device logins: the user enters a short code on another device while this process polls the provider (at the
/// interval it asks for, slower when told to) until the login is approved, denied or expired.
/// </summary>
public sealed class OAuthDeviceLogin(
    OAuthLoginCompletion completion, OAuthFlowProgress progress, OAuthLoginMessages messages, TimeProvider time, ILogger<OAuthDeviceLogin> logger)
{
    private static readonly TimeSpan MinimumPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Asks the provider for a user code; returns the new login and its secrets (not stored yet).</summary>
    public async Task<(OAuthFlow Flow, OAuthFlowSecrets Secrets)> StartAsync(Guid id, OAuthLoginPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = Pkce.NewState();
        var device = await plan.Provider.StartDeviceAsync(plan.Options, cancellationToken);
        var message = $"Open {device.VerificationUrl} and enter the code {device.UserCode}.";
        var flow = new OAuthFlow(id, plan.ProviderId, plan.AuthName, plan.Method, OAuthFlowStatus.Pending, plan.Options, null, null,
            device.UserCode, device.VerificationUrl, device.Interval, message, null, now, device.ExpiresAt, now);
        return (flow, new OAuthFlowSecrets(state, null, device.Handle));
    }

    /// <summary>The login's worker: polls until the provider approves (then saves the auth), denies or expires it.</summary>
    public async Task PollAsync(IOAuthProvider provider, OAuthFlow flow, string handle, CancellationToken stop)
    {
        var interval = flow.PollInterval is { } i && i > MinimumPollInterval ? i : MinimumPollInterval;
        try
        {
            while (true)
            {
                var wait = flow.ExpiresAt - time.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    await progress.ExpireAsync(flow, $"The device code {flow.UserCode} expired before it was approved. Start the login again.");
                    return;
                }

                await Task.Delay(interval < wait ? interval : wait, time, stop);
                if (time.GetUtcNow() >= flow.ExpiresAt)
                {
                    continue;
                }

                OAuthDevicePoll poll;
                try
                {
                    poll = await provider.PollDeviceAsync(handle, flow.Options, stop);
                }
                catch (OAuthException ex) when (!ex.IsPermanent)
                {
                    logger.LogWarning("Polling the device login {Id} failed for now: {Message}", flow.Id, ex.Message);
                    continue;
                }
                catch (MaestroException ex)
                {
                    await progress.FailAsync(flow, OAuthFlowStatus.Pending, $"Signing in failed: {ex.Message}");
                    return;
                }

                switch (poll.Status)
                {
                    case OAuthDevicePollStatus.Pending:
                        continue;
                    case OAuthDevicePollStatus.SlowDown:
                        interval += TimeSpan.FromSeconds(5);
                        continue;
                    case OAuthDevicePollStatus.Denied:
                        await progress.FailAsync(flow, OAuthFlowStatus.Pending, poll.Message ?? messages.Denied(flow, "access_denied", null));
                        return;
                    case OAuthDevicePollStatus.Expired:
                        await progress.ExpireAsync(flow, poll.Message ?? $"The device code {flow.UserCode} expired before it was approved. Start the login again.");
                        return;
                    default:
                        await completion.FinishDeviceAsync(flow.Id, poll.Grant!);
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A background worker: nobody else would see the failure (e.g. the database went away).
            logger.LogWarning("The device login {Id} stopped: {Message}", flow.Id, ex.Message);
        }
    }
}
