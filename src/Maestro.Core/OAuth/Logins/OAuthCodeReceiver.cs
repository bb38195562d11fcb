using Maestro.Core.Errors;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// The provider's answer to a browser login, by the loopback callback or pasted by the user: checks the state against
/// the login's (a forged or stale answer is refused), turns a denial into a failed login, and exchanges the code.
/// </summary>
public sealed class OAuthCodeReceiver(OAuthFlowProgress progress, OAuthLoginCompletion completion, OAuthLoginMessages messages)
{
    /// <summary>Finishes a callback or paste login with what the user pasted: <c>code#state</c>, the callback URL or its query.</summary>
    public async Task<OAuthFlow> CompleteAsync(Guid flowId, string? pasted, CancellationToken cancellationToken)
    {
        var flow = await progress.GetAsync(flowId, cancellationToken);
        if (flow.Status != OAuthFlowStatus.Pending)
        {
            throw OAuthLoginMessages.NotWaiting(flow);
        }

        if (flow.Method == OAuthLoginMethod.Device)
        {
            throw new ValidationFailedException("code",
                $"A device login completes by itself once you enter {flow.UserCode} at {flow.VerificationUrl}; there is no code to paste.");
        }

        var code = PastedCode.Parse(pasted);
        var secrets = await progress.GetSecretsAsync(flowId, cancellationToken);
        if (code.State is not null && !Pkce.StateMatches(secrets.State, code.State))
        {
            throw new ValidationFailedException("code",
                "The pasted code belongs to another login: its state does not match this one. Paste the code from the page this login opened, or start the login again.");
        }

        if (code.Error is not null)
        {
            var denied = messages.Denied(flow, code.Error, code.ErrorDescription);
            await progress.FailAsync(flow, OAuthFlowStatus.Pending, denied);
            throw new MaestroException(denied);
        }

        return await completion.ExchangeCodeAsync(flowId, code.Code!);
    }

    /// <summary>The browser came back to the login's loopback server: completes the login and says how it went.</summary>
    public async Task<CallbackReply> OnCallbackAsync(Guid flowId, IReadOnlyDictionary<string, string> query)
    {
        try
        {
            var flow = await progress.GetAsync(flowId, CancellationToken.None);
            if (flow.Status != OAuthFlowStatus.Pending)
            {
                return new CallbackReply(false, "This login is not waiting any more", OAuthLoginMessages.NotWaiting(flow).Message);
            }

            var secrets = await progress.GetSecretsAsync(flowId, CancellationToken.None);
            if (!Pkce.StateMatches(secrets.State, query.GetValueOrDefault("state")))
            {
                const string Mismatch = "The browser came back with a state that does not match this login (a stale or forged callback), so Maestro refused it. Start the login again.";
                await progress.FailAsync(flow, OAuthFlowStatus.Pending, Mismatch);
                return new CallbackReply(false, "Sign-in refused", Mismatch);
            }

            if (query.GetValueOrDefault("error") is { Length: > 0 } error)
            {
                var denied = messages.Denied(flow, error, query.GetValueOrDefault("error_description"));
                await progress.FailAsync(flow, OAuthFlowStatus.Pending, denied);
                return new CallbackReply(false, "Sign-in not completed", denied);
            }

            if (query.GetValueOrDefault("code") is not { Length: > 0 } code)
            {
                const string Missing = "The browser came back without an authorization code. Start the login again.";
                await progress.FailAsync(flow, OAuthFlowStatus.Pending, Missing);
                return new CallbackReply(false, "Sign-in not completed", Missing);
            }

            var done = await completion.ExchangeCodeAsync(flowId, code);
            return new CallbackReply(true, $"Signed in to {messages.Display(flow.Provider)}", done.Message!);
        }
        catch (MaestroException ex)
        {
            return new CallbackReply(false, "Sign-in failed", ex.Message);
        }
    }
}
