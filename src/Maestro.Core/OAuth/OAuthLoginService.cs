using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth;

/// <summary>
/// Runs OAuth logins for the CLI, the REST API and the UI: start (URL, or user code), then completion by the loopback
/// callback, a pasted code, or device polling; the result is a new or renewed OAuth auth. Every step is stored (so
/// another instance can take a pasted code) and published as an <c>oauth_flow</c> event (so a UI can follow it live).
/// </summary>
public sealed class OAuthLoginService(
    IAuthStore store,
    AuthService auths,
    OAuthAuths saver,
    ProviderRegistry registry,
    OAuthProviders providers,
    IOAuthFlowStore flows,
    OAuthEvents events,
    OAuthSettings settings,
    TimeProvider time,
    ILogger<OAuthLoginService> logger) : IAsyncDisposable
{
    private static readonly TimeSpan MinimumPollInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, RunningFlow> _running = new();
    private readonly CancellationTokenSource _disposing = new();

    public async Task<OAuthFlow> StartAsync(OAuthStartRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        auths.ValidateProvider(request.Provider, AuthType.OAuth, errors);
        AuthService.ValidateName(request.Name, errors);
        errors.ThrowIfAny();

        var provider = providers.Get(request.Provider);
        var method = request.Method ?? provider.Methods[0];
        if (!provider.Methods.Contains(method))
        {
            throw new ValidationFailedException("method",
                $"{Display(provider)} logins support {string.Join(", ", provider.Methods.Select(m => m.ToWire()))}, not {method.ToWire()}.");
        }

        var options = Normalize(provider, request.Options ?? OAuthLoginOptions.Default);
        if (await store.FindAsync(request.Provider, request.Name, cancellationToken) is { Type: AuthType.ApiKey } existing)
        {
            throw new ConflictException($"{existing.Ref} is an API-key auth; an OAuth login cannot replace it.", "name",
                "Choose another name for the login, or remove the API-key auth first.");
        }

        provider.EnsureConfigured();
        await CleanUpAsync(cancellationToken);

        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        var state = Pkce.NewState();
        var pkce = Pkce.Create();
        var running = new RunningFlow(id, CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token));
        OAuthFlow flow;
        OAuthFlowSecrets secrets;
        string message;
        OAuthDeviceStart? device = null;
        try
        {
            switch (method)
            {
                case OAuthLoginMethod.Callback:
                    running.Server = await LoopbackCallbackServer.StartAsync(
                        provider.RedirectUri(OAuthLoginMethod.Callback), provider.RedirectUriSetting, query => OnCallbackAsync(id, query), cancellationToken);
                    message = $"Open the sign-in page; the browser comes back to {running.Server.RedirectUri.GetLeftPart(UriPartial.Path)}.";
                    flow = BrowserFlow(running.Server.RedirectUri);
                    break;
                case OAuthLoginMethod.Paste:
                    message = "Open the sign-in page, then paste the code it shows (or the address the browser ends on).";
                    flow = BrowserFlow(provider.RedirectUri(OAuthLoginMethod.Paste));
                    break;
                default:
                    device = await provider.StartDeviceAsync(options, cancellationToken);
                    message = $"Open {device.VerificationUrl} and enter the code {device.UserCode}.";
                    flow = new OAuthFlow(id, request.Provider, request.Name, method, OAuthFlowStatus.Pending, options, null, null,
                        device.UserCode, device.VerificationUrl, device.Interval, message, null, now, device.ExpiresAt, now);
                    break;
            }

            secrets = new OAuthFlowSecrets(state, device is null ? pkce.Verifier : null, device?.Handle);
            flow = flow with { Message = message };
            await flows.CreateAsync(flow, secrets, cancellationToken);
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }

        _running[id] = running;
        running.Worker = device is null
            ? Task.Run(() => ExpireWhenAbandonedAsync(running, flow), CancellationToken.None)
            : Task.Run(() => PollDeviceAsync(running, provider, flow, device.Handle), CancellationToken.None);
        events.Flow(flow, message);
        logger.LogInformation("Started a {Method} login for {Auth} (login {Id}).", method.ToWire(), flow.AuthLabel, id);
        return flow;

        OAuthFlow BrowserFlow(Uri redirectUri) => new(
            id, request.Provider, request.Name, method, OAuthFlowStatus.Pending, options,
            provider.AuthorizationUrl(new OAuthAuthorizationRequest(redirectUri, state, pkce.Challenge, options)),
            redirectUri, null, null, null, null, null, now, now + settings.LoginTimeout, now);
    }

    /// <summary>Finishes a callback or paste login with what the user pasted: <c>code#state</c>, the callback URL or its query.</summary>
    public async Task<OAuthFlow> CompleteAsync(Guid flowId, string? pasted, CancellationToken cancellationToken)
    {
        var flow = await GetAsync(flowId, cancellationToken);
        if (flow.Status != OAuthFlowStatus.Pending)
        {
            throw NotWaiting(flow);
        }

        if (flow.Method == OAuthLoginMethod.Device)
        {
            throw new ValidationFailedException("code",
                $"A device login completes by itself once you enter {flow.UserCode} at {flow.VerificationUrl}; there is no code to paste.");
        }

        var code = PastedCode.Parse(pasted);
        var secrets = await flows.GetSecretsAsync(flowId, cancellationToken) ?? throw Gone(flowId);
        if (code.State is not null && !Pkce.StateMatches(secrets.State, code.State))
        {
            throw new ValidationFailedException("code",
                "The pasted code belongs to another login: its state does not match this one. Paste the code from the page this login opened, or start the login again.");
        }

        if (code.Error is not null)
        {
            var denied = Denied(flow, code.Error, code.ErrorDescription);
            await FailAsync(flow, OAuthFlowStatus.Pending, denied);
            throw new MaestroException(denied);
        }

        return await ExchangeAsync(flowId, code.Code!);
    }

    public async Task<OAuthFlow> GetAsync(Guid flowId, CancellationToken cancellationToken) =>
        await flows.GetAsync(flowId, cancellationToken) ?? throw Gone(flowId);

    /// <summary>
    /// Waits until the login ends (completed, failed, expired or cancelled) and returns it; also notices when another
    /// instance completed it (e.g. a code pasted in the web UI).
    /// </summary>
    public async Task<OAuthFlow> WaitAsync(Guid flowId, CancellationToken cancellationToken)
    {
        while (true)
        {
            _running.TryGetValue(flowId, out var running);
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

                await EndAsync(flowId);
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

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        foreach (var running in _running.Values)
        {
            await running.DisposeAsync();
        }

        _running.Clear();
        _disposing.Dispose();
    }

    private async Task<CallbackReply> OnCallbackAsync(Guid flowId, IReadOnlyDictionary<string, string> query)
    {
        try
        {
            var flow = await GetAsync(flowId, CancellationToken.None);
            if (flow.Status != OAuthFlowStatus.Pending)
            {
                return new CallbackReply(false, "This login is not waiting any more", NotWaiting(flow).Message);
            }

            var secrets = await flows.GetSecretsAsync(flowId, CancellationToken.None) ?? throw Gone(flowId);
            if (!Pkce.StateMatches(secrets.State, query.GetValueOrDefault("state")))
            {
                const string Mismatch = "The browser came back with a state that does not match this login (a stale or forged callback), so Maestro refused it. Start the login again.";
                await FailAsync(flow, OAuthFlowStatus.Pending, Mismatch);
                return new CallbackReply(false, "Sign-in refused", Mismatch);
            }

            if (query.GetValueOrDefault("error") is { Length: > 0 } error)
            {
                var denied = Denied(flow, error, query.GetValueOrDefault("error_description"));
                await FailAsync(flow, OAuthFlowStatus.Pending, denied);
                return new CallbackReply(false, "Sign-in not completed", denied);
            }

            if (query.GetValueOrDefault("code") is not { Length: > 0 } code)
            {
                const string Missing = "The browser came back without an authorization code. Start the login again.";
                await FailAsync(flow, OAuthFlowStatus.Pending, Missing);
                return new CallbackReply(false, "Sign-in not completed", Missing);
            }

            var done = await ExchangeAsync(flowId, code);
            return new CallbackReply(true, $"Signed in to {Display(flow.Provider)}", done.Message!);
        }
        catch (MaestroException ex)
        {
            return new CallbackReply(false, "Sign-in failed", ex.Message);
        }
    }

    /// <summary>Claims the flow (a code is exchanged once, across processes), exchanges the code and saves the auth.</summary>
    private async Task<OAuthFlow> ExchangeAsync(Guid flowId, string code)
    {
        // Not cancellable: a code exchange abandoned half way would leave the login neither done nor failed.
        var claimed = await flows.ClaimAsync(flowId, time.GetUtcNow(), CancellationToken.None);
        if (claimed is null)
        {
            throw NotWaiting(await GetAsync(flowId, CancellationToken.None));
        }

        var (flow, secrets) = claimed.Value;

        Publish(flow, "Exchanging the code for tokens.");
        var provider = providers.Get(flow.Provider);
        OAuthGrant grant;
        try
        {
            grant = await provider.ExchangeCodeAsync(
                new OAuthCodeExchange(code, secrets.State, flow.RedirectUri!, secrets.CodeVerifier ?? "", flow.Options), CancellationToken.None);
        }
        catch (MaestroException ex)
        {
            await FailAsync(flow, OAuthFlowStatus.Exchanging, $"Signing in failed: {ex.Message}");
            throw;
        }

        return await FinishAsync(flow, grant);
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
            await FailAsync(flow, OAuthFlowStatus.Exchanging, $"Signed in, but the login could not be saved: {ex.Message}");
            throw;
        }

        var who = auth.MetadataValue(AuthMetadata.Email) is { } email ? $" as {email}" : "";
        var message = $"Signed in{who}; saved as {auth.Ref}." + string.Concat(grant.Notes.Select(n => " " + n));
        var done = await flows.UpdateStatusAsync(flow.Id, OAuthFlowStatus.Completed, message, auth.Id, OAuthFlowStatus.Exchanging, CancellationToken.None)
            ?? flow with { Status = OAuthFlowStatus.Completed, Message = message, AuthId = auth.Id };
        events.Auth(auth, "login", message);
        Publish(done, message);
        logger.LogInformation("Login {Id} completed: {Auth} is active.", flow.Id, auth.Ref);
        return done;
    }

    private async Task PollDeviceAsync(RunningFlow running, IOAuthProvider provider, OAuthFlow flow, string handle)
    {
        var interval = flow.PollInterval is { } i && i > MinimumPollInterval ? i : MinimumPollInterval;
        var stop = running.Token;
        try
        {
            while (true)
            {
                var wait = flow.ExpiresAt - time.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    await ExpireAsync(flow, $"The device code {flow.UserCode} expired before it was approved. Start the login again.");
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
                    await FailAsync(flow, OAuthFlowStatus.Pending, $"Signing in failed: {ex.Message}");
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
                        await FailAsync(flow, OAuthFlowStatus.Pending, poll.Message ?? Denied(flow, "access_denied", null));
                        return;
                    case OAuthDevicePollStatus.Expired:
                        await ExpireAsync(flow, poll.Message ?? $"The device code {flow.UserCode} expired before it was approved. Start the login again.");
                        return;
                    default:
                        var claimed = await flows.ClaimAsync(flow.Id, time.GetUtcNow(), CancellationToken.None);
                        if (claimed is { } c)
                        {
                            Publish(c.Flow, "Approved; saving the login.");
                            await FinishAsync(c.Flow, poll.Grant!);
                        }

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
        finally
        {
            await EndAsync(flow.Id);
        }
    }

    private async Task ExpireWhenAbandonedAsync(RunningFlow running, OAuthFlow flow)
    {
        try
        {
            var wait = flow.ExpiresAt - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, running.Token);
            }

            await ExpireAsync(flow, "Nobody completed the login in time. Start it again when you are ready.");
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not mark the login {Id} as expired: {Message}", flow.Id, ex.Message);
        }
        finally
        {
            await EndAsync(flow.Id);
        }
    }

    private async Task ExpireAsync(OAuthFlow flow, string message)
    {
        if (await flows.UpdateStatusAsync(flow.Id, OAuthFlowStatus.Expired, message, null, OAuthFlowStatus.Pending, CancellationToken.None) is { } expired)
        {
            Publish(expired, message);
        }
    }

    private async Task FailAsync(OAuthFlow flow, OAuthFlowStatus from, string message)
    {
        if (await flows.UpdateStatusAsync(flow.Id, OAuthFlowStatus.Failed, message, null, from, CancellationToken.None) is { } failed)
        {
            Publish(failed, message);
            logger.LogWarning("Login {Id} for {Auth} failed: {Message}", flow.Id, flow.AuthLabel, message);
        }
    }

    /// <summary>Publishes the step and, when the flow ended, releases what this process ran for it.</summary>
    private void Publish(OAuthFlow flow, string message)
    {
        events.Flow(flow, message);
        if (flow.Status.IsFinal() && _running.TryGetValue(flow.Id, out var running))
        {
            running.Done.TrySetResult(flow);
            _ = EndAsync(flow.Id);
        }
    }

    /// <summary>Stops the callback server and the worker of a flow that ended (or that this process gives up on).</summary>
    private async Task EndAsync(Guid flowId)
    {
        if (!_running.TryRemove(flowId, out var running))
        {
            return;
        }

        if (!running.Done.Task.IsCompleted)
        {
            try
            {
                running.Done.TrySetResult(await GetAsync(flowId, CancellationToken.None));
            }
            catch (MaestroException ex)
            {
                running.Done.TrySetException(ex);
            }
        }

        await running.DisposeAsync();
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
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

    private static OAuthLoginOptions Normalize(IOAuthProvider provider, OAuthLoginOptions options)
    {
        var mode = options.Mode?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(mode))
        {
            mode = provider.Modes.Count > 0 ? provider.Modes[0] : null;
        }
        else if (!provider.Modes.Contains(mode))
        {
            throw new ValidationFailedException("mode", provider.Modes.Count == 0
                ? $"'{provider.ProviderId}' logins have no modes; leave mode out."
                : $"'{options.Mode}' is not a mode of {provider.ProviderId} logins: use {string.Join(" or ", provider.Modes)}.");
        }

        if (options.CreateApiKey && !provider.CanCreateApiKey)
        {
            throw new ValidationFailedException("create_api_key", $"{provider.ProviderId} logins cannot create an API key.");
        }

        return options with { Mode = mode };
    }

    private string Display(IOAuthProvider provider) => Display(provider.ProviderId);

    private string Display(string providerId) => registry.TryGet(providerId, out var p) ? p.Descriptor.DisplayName : providerId;

    private string Denied(OAuthFlow flow, string error, string? description) =>
        $"The sign-in was not approved at {Display(flow.Provider)} ({error}{(string.IsNullOrEmpty(description) ? "" : ": " + description)}). Start the login again when you are ready.";

    private static ConflictException NotWaiting(OAuthFlow flow) => new(flow.Status switch
    {
        OAuthFlowStatus.Completed => $"This login already completed ({flow.AuthLabel}).",
        OAuthFlowStatus.Exchanging => "This login is already exchanging its code.",
        OAuthFlowStatus.Expired => "This login expired before it was completed; start a new one.",
        OAuthFlowStatus.Cancelled => "This login was cancelled; start a new one.",
        _ => $"This login failed: {flow.Message} Start a new one.",
    });

    private static NotFoundException Gone(Guid flowId) =>
        new($"There is no login {flowId}.", "Logins are kept for a day after they end; start a new one with `maestro auth login`.");

    private sealed class RunningFlow(Guid id, CancellationTokenSource stop) : IAsyncDisposable
    {
        private int _disposed;

        public Guid Id { get; } = id;

        /// <summary>Taken once, so a worker starting after the flow ended still gets a (cancelled) token.</summary>
        public CancellationToken Token { get; } = stop.Token;

        public LoopbackCallbackServer? Server { get; set; }

        public Task? Worker { get; set; }

        public TaskCompletionSource<OAuthFlow> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            await stop.CancelAsync();
            if (Server is not null)
            {
                await Server.StopAsync();
            }

            stop.Dispose();
        }
    }
}
