using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// Turns an approved login into a saved auth: claims the flow (a code is exchanged once, across processes), exchanges
/// an authorization code or takes a device grant, saves the auth and completes the login.
/// </summary>
public sealed class OAuthLoginCompletion(OAuthProviders providers, OAuthAuths saver, OAuthFlowProgress progress, ILogger<OAuthLoginCompletion> logger)
{
    /// <summary>Exchanges the authorization code of a callback or paste login; throws when the login is not waiting for it.</summary>
    public async Task<OAuthFlow> ExchangeCodeAsync(Guid flowId, string code)
    {
        // Not cancellable: a code exchange abandoned half way would leave the login neither done nor failed.
        var claimed = await progress.ClaimAsync(flowId);
        if (claimed is null)
        {
            throw OAuthLoginMessages.NotWaiting(await progress.GetAsync(flowId, CancellationToken.None));
        }

        var (flow, secrets) = claimed.Value;

        progress.Publish(flow, "Exchanging the code for tokens.");
        var provider = providers.Get(flow.Provider);
        OAuthGrant grant;
        try
        {
            grant = await provider.ExchangeCodeAsync(
                new OAuthCodeExchange(code, secrets.State, flow.RedirectUri!, secrets.CodeVerifier ?? "", flow.Options), CancellationToken.None);
        }
        catch (MaestroException ex)
        {
            await progress.FailAsync(flow, OAuthFlowStatus.Exchanging, $"Signing in failed: {ex.Message}");
            throw;
        }

        return await FinishAsync(flow, grant);
    }

    /// <summary>Saves the grant of an approved device login, unless another process already took the login.</summary>
    public async Task FinishDeviceAsync(Guid flowId, OAuthGrant grant)
    {
        if (await progress.ClaimAsync(flowId) is { } claimed)
        {
            progress.Publish(claimed.Flow, "Approved; saving the login.");
            await FinishAsync(claimed.Flow, grant);
        }
    }

    private async Task<OAuthFlow> FinishAsync(OAuthFlow flow, OAuthGrant grant)
    {
        AuthRecord auth;
        try
        {
            auth = await saver.SaveAsync(flow.Provider, flow.AuthName, grant, replace: true, null, CancellationToken.None);
        }
        catch (MaestroException ex)
        {
            await progress.FailAsync(flow, OAuthFlowStatus.Exchanging, $"Signed in, but the login could not be saved: {ex.Message}");
            throw;
        }

        var who = auth.MetadataValue(AuthMetadata.Email) is { } email ? $" as {email}" : "";
        var message = $"Signed in{who}; saved as {auth.Ref}." + string.Concat(grant.Notes.Select(n => " " + n));
        var done = await progress.CompleteAsync(flow, auth, message);
        logger.LogInformation("Login {Id} completed: {Auth} is active.", flow.Id, auth.Ref);
        return done;
    }
}
