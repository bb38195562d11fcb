using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// A login's steps: each is written to the flow store (so another instance can see it, or take a pasted code) and
/// published as an <c>oauth_flow</c> event (so a UI follows it live); a step that ends the login releases what this
/// process ran for it. Status changes name the status they leave, so a late timeout cannot overwrite a completion.
/// </summary>
public sealed class OAuthFlowProgress(
    IOAuthFlowStore flows,
    OAuthEvents events,
    OAuthLoginRuns runs,
    OAuthSettings settings,
    TimeProvider time,
    ILogger<OAuthFlowProgress> logger)
{
    public async Task<OAuthFlow> GetAsync(Guid flowId, CancellationToken cancellationToken) =>
        await flows.GetAsync(flowId, cancellationToken) ?? throw OAuthLoginMessages.Gone(flowId);

    public async Task<OAuthFlowSecrets> GetSecretsAsync(Guid flowId, CancellationToken cancellationToken) =>
        await flows.GetSecretsAsync(flowId, cancellationToken) ?? throw OAuthLoginMessages.Gone(flowId);

    public Task CreateAsync(OAuthFlow flow, OAuthFlowSecrets secrets, CancellationToken cancellationToken) =>
        flows.CreateAsync(flow, secrets, cancellationToken);

    /// <summary>Takes a pending login for its exchange (once, across processes); null when it is not pending any more.</summary>
    /// <remarks>Not cancellable: a claim abandoned half way would leave the login neither done nor failed.</remarks>
    public Task<(OAuthFlow Flow, OAuthFlowSecrets Secrets)?> ClaimAsync(Guid flowId) =>
        flows.ClaimAsync(flowId, time.GetUtcNow(), CancellationToken.None);

    /// <summary>
    /// Waits until the login ends (completed, failed, expired or cancelled) and returns it; also notices when another
    /// instance completed it (e.g. a code pasted in the web UI).
    /// </summary>
    public async Task<OAuthFlow> WaitAsync(Guid flowId, CancellationToken cancellationToken)
    {
        while (true)
        {
            runs.TryGet(flowId, out var running);
            if (running is { Done.Task.IsCompleted: true })
            {
                return await running.Done.Task;
            }

            var flow = await GetAsync(flowId, cancellationToken);
            if (flow.Status.IsFinal())
            {
                if (running is not null)
                {
                    // Ended in this process a moment ago: let it finish publishing, so callers see its events first.
                    await Task.WhenAny(running.Done.Task, Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken));
                }

                await runs.EndAsync(flowId);
                return flow;
            }

            var wake = Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            await (running is null ? wake : Task.WhenAny(running.Done.Task, wake));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public async Task<OAuthFlow> CancelAsync(Guid flowId, CancellationToken cancellationToken)
    {
        var flow = await GetAsync(flowId, cancellationToken);
        if (flow.Status.IsFinal())
        {
            return flow;
        }

        var cancelled = await flows.UpdateStatusAsync(flowId, OAuthFlowStatus.Cancelled, "The login was cancelled.", null, OAuthFlowStatus.Pending, cancellationToken);
        if (cancelled is null)
        {
            return await GetAsync(flowId, cancellationToken);
        }

        Publish(cancelled, cancelled.Message!);
        return cancelled;
    }

    /// <summary>The claimed login saved <paramref name="auth"/>: marks it completed and announces the auth and the login.</summary>
    public async Task<OAuthFlow> CompleteAsync(OAuthFlow flow, AuthRecord auth, string message)
    {
        var done = await flows.UpdateStatusAsync(flow.Id, OAuthFlowStatus.Completed, message, auth.Id, OAuthFlowStatus.Exchanging, CancellationToken.None)
            ?? flow with { Status = OAuthFlowStatus.Completed, Message = message, AuthId = auth.Id };
        events.Auth(auth, "login", message);
        Publish(done, message);
        return done;
    }

    public async Task ExpireAsync(OAuthFlow flow, string message)
    {
        if (await flows.UpdateStatusAsync(flow.Id, OAuthFlowStatus.Expired, message, null, OAuthFlowStatus.Pending, CancellationToken.None) is { } expired)
        {
            Publish(expired, message);
        }
    }

    public async Task FailAsync(OAuthFlow flow, OAuthFlowStatus from, string message)
    {
        if (await flows.UpdateStatusAsync(flow.Id, OAuthFlowStatus.Failed, message, null, from, CancellationToken.None) is { } failed)
        {
            Publish(failed, message);
            logger.LogWarning("Login {Id} for {Auth} failed: {Message}", flow.Id, flow.AuthLabel, message);
        }
    }

    /// <summary>Publishes the step and, when the flow ended, releases what this process ran for it.</summary>
    public void Publish(OAuthFlow flow, string message)
    {
        events.Flow(flow, message);
        if (flow.Status.IsFinal())
        {
            runs.Ended(flow);
        }
    }

    /// <summary>Forgets logins that ended longer ago than <see cref="OAuthSettings.KeepFinishedFlows"/>; a failure only costs space.</summary>
    public async Task DeleteEndedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await flows.DeleteOlderThanAsync(time.GetUtcNow() - settings.KeepFinishedFlows, cancellationToken);
        }
        catch (MaestroException ex)
        {
            logger.LogDebug("Deleting old logins failed: {Message}", ex.Message);
        }
    }
}
