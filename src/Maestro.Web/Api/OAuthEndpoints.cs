using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>
/// /api/oauth: start a login (URL and flow id, or a user code for device logins), complete it with a pasted code,
/// follow it (status, or the live <c>oauth_flow</c>/<c>auth_changed</c> events), cancel it; and refresh an auth now.
/// </summary>
public static class OAuthEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapOAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/oauth");

        group.MapGet("/providers", (OAuthProviders providers, ProviderRegistry registry) => Results.Ok(providers.All
            .Where(p => registry.TryGet(p.ProviderId, out _))
            .OrderBy(p => p.ProviderId, StringComparer.Ordinal)
            .Select(p =>
            {
                registry.TryGet(p.ProviderId, out var provider);
                return new OAuthProviderView(p.ProviderId, provider!.Descriptor.DisplayName, [.. p.Methods.Select(m => m.ToWire())],
                    p.Methods[0].ToWire(), p.Modes, p.CanCreateApiKey, provider.Descriptor.Notes);
            })));

        group.MapPost("/flows", async (StartLoginRequest? request, OAuthLoginService logins, CancellationToken ct) =>
        {
            if (request is null)
            {
                return ApiProblem.Validation("body", "Send a JSON object: {\"provider\", \"name\", \"method\"?, \"mode\"?, \"create_api_key\"?}.");
            }

            var method = string.IsNullOrWhiteSpace(request.Method) ? (OAuthLoginMethod?)null : OAuthLoginMethodNames.Parse(request.Method);
            var flow = await logins.StartAsync(new OAuthStartRequest(request.Provider ?? "", request.Name ?? "", method,
                new OAuthLoginOptions(request.Mode, request.CreateApiKey ?? false)), ct);
            return Results.Created($"/api/oauth/flows/{flow.Id}", OAuthFlowView.From(flow));
        });

        group.MapGet("/flows/{id:guid}", async (Guid id, OAuthLoginService logins, AuthService auths, CancellationToken ct) =>
            Results.Ok(await ViewAsync(await logins.GetAsync(id, ct), auths, ct)));

        group.MapPost("/flows/{id:guid}/complete", async (Guid id, CompleteLoginRequest? request, OAuthLoginService logins, AuthService auths, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Code))
            {
                return ApiProblem.Validation("code", "Send {\"code\": \"…\"}: the code the sign-in page showed (code#state), or the address the browser ended on.");
            }

            return Results.Ok(await ViewAsync(await logins.CompleteAsync(id, request.Code, ct), auths, ct));
        });

        group.MapDelete("/flows/{id:guid}", async (Guid id, OAuthLoginService logins, AuthService auths, CancellationToken ct) =>
            Results.Ok(await ViewAsync(await logins.CancelAsync(id, ct), auths, ct)));

        group.MapGet("/events", (HttpContext http, long? after, SessionEventHub hub, CancellationToken ct) =>
        {
            long? from = after;
            if (http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId &&
                long.TryParse(lastId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                from = parsed;
            }

            return TypedResults.ServerSentEvents(ReadEventsAsync(hub, from, ct));
        });

        app.MapPost("/api/auths/{provider}/{name}/refresh", async (string provider, string name, AuthService auths, OAuthRefresher refresher, CancellationToken ct) =>
        {
            var target = new AuthRef(provider, name);
            var stored = await auths.GetWithCredentialsAsync(target, ct);
            if (stored.Record.Type != AuthType.OAuth)
            {
                throw new ValidationFailedException("auth", $"{target} is an API key; only OAuth logins have tokens to refresh.");
            }

            var outcome = await refresher.RefreshAsync(stored.Record.Id, RefreshTrigger.Forced, stored.Credentials.AccessToken, ct);
            return outcome.Result switch
            {
                RefreshResult.NeedsRelogin => throw new ConflictException(outcome.Message, hint: $"Run `maestro auth login {provider} {name}`, or sign in again in the web UI."),
                RefreshResult.Failed => throw new OAuthException(OAuthFailure.Transient, $"Could not refresh {target}: {outcome.Message}"),
                _ => Results.Ok(new RefreshView(outcome.Result == RefreshResult.Refreshed ? "refreshed" : "fresh", outcome.Message,
                    AuthView.From(await auths.GetAsync(target, ct)))),
            };
        });

        return app;
    }

    private static async Task<OAuthFlowView> ViewAsync(OAuthFlow flow, AuthService auths, CancellationToken ct)
    {
        if (flow.Status != OAuthFlowStatus.Completed)
        {
            return OAuthFlowView.From(flow);
        }

        try
        {
            return OAuthFlowView.From(flow, AuthView.From(await auths.GetAsync(new AuthRef(flow.Provider, flow.AuthName), ct)));
        }
        catch (NotFoundException)
        {
            // Deleted (or renamed) since the login completed.
            return OAuthFlowView.From(flow);
        }
    }

    /// <summary>
    /// The <c>oauth_flow</c> and <c>auth_changed</c> events as server-sent events (data: the event with its JSON notice),
    /// with a ping every 15 s; Last-Event-ID resumes after the last one seen.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<SessionEvent>> ReadEventsAsync(SessionEventHub hub, long? afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = hub.Subscribe(Guid.Empty, afterId);
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = await subscription.NextAsync(KeepAlive, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (next is null)
            {
                yield return new SseItem<SessionEvent>(new SessionEvent { SessionId = Guid.Empty, Type = "ping" }, "ping");
            }
            else if (next.Type is OAuthEvents.FlowChanged or OAuthEvents.AuthChanged)
            {
                yield return new SseItem<SessionEvent>(next, next.Type) { EventId = next.Id.ToString(CultureInfo.InvariantCulture) };
            }
        }
    }
}
