using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// Starts a login: checks the request, opens it by its method (browser or device), stores it, and runs its worker
/// (the device poller, or the timer that expires an abandoned browser login).
/// </summary>
public sealed class OAuthLoginStarter(
    OAuthLoginValidator validator,
    OAuthBrowserLogin browser,
    OAuthDeviceLogin device,
    OAuthFlowProgress progress,
    OAuthLoginRuns runs,
    ILogger<OAuthLoginStarter> logger)
{
    public async Task<OAuthFlow> StartAsync(OAuthStartRequest request, CancellationToken cancellationToken)
    {
        var plan = await validator.ValidateAsync(request, cancellationToken);
        await progress.DeleteEndedAsync(cancellationToken);

        var running = runs.Create(Guid.CreateVersion7());
        OAuthFlow flow;
        OAuthFlowSecrets secrets;
        try
        {
            (flow, secrets) = plan.Method == OAuthLoginMethod.Device
                ? await device.StartAsync(running.Id, plan, cancellationToken)
                : await browser.StartAsync(running, plan, cancellationToken);
            await progress.CreateAsync(flow, secrets, cancellationToken);
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }

        runs.Start(running, plan.Method == OAuthLoginMethod.Device
            ? stop => device.PollAsync(plan.Provider, flow, secrets.DeviceHandle!, stop)
            : stop => browser.ExpireWhenAbandonedAsync(flow, stop));
        progress.Publish(flow, flow.Message!);
        logger.LogInformation("Started a {Method} login for {Auth} (login {Id}).", plan.Method.ToWire(), flow.AuthLabel, flow.Id);
        return flow;
    }
}
