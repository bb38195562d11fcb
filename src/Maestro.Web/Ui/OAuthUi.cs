using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Maestro.Web.Api;
using Maestro.Web.Components.Auths;
using Maestro.Web.Components.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>
/// HTML fragments for OAuth logins and "refresh now": the same OAuthLoginService and OAuthRefresher (and messages) as
/// /api/oauth and POST /api/auths/{provider}/{name}/refresh.
/// </summary>
public static class OAuthUi
{
    public static RouteGroupBuilder MapOAuthUi(this RouteGroupBuilder ui)
    {
        ui.MapGet("/oauth/options", (string? provider, string? method, string? mode, OAuthProviders providers, ProviderRegistry registry) =>
        {
            var choices = OAuthChoice.All(providers, registry);
            var choice = choices.FirstOrDefault(c => c.Id == provider) ?? choices[0];
            return new RazorComponentResult<SignInOptions>(new { Choice = choice, Values = Values(provider, null, method, mode, null) });
        });

        ui.MapPost("/oauth/flows", async ([FromForm] string? provider, [FromForm] string? name, [FromForm] string? method, [FromForm] string? mode,
            [FromForm(Name = "create_api_key")] string? createApiKey, HttpContext http, OAuthLoginService logins, OAuthProviders providers,
            ProviderRegistry registry, CancellationToken ct) =>
        {
            try
            {
                var parsed = string.IsNullOrWhiteSpace(method) ? (OAuthLoginMethod?)null : OAuthLoginMethodNames.Parse(method);
                var flow = await logins.StartAsync(new OAuthStartRequest(provider ?? "", (name ?? "").Trim(), parsed,
                    new OAuthLoginOptions(string.IsNullOrWhiteSpace(mode) ? null : mode, createApiKey == "true")), ct);
                // A page of its own: it can be reloaded, shared between tabs, and follows the login live.
                http.Response.Headers["HX-Redirect"] = LoginLinks.Flow(flow.Id);
                return Results.NoContent();
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return new RazorComponentResult<SignInForm>(new
                {
                    Choices = OAuthChoice.All(providers, registry),
                    Errors = UiErrors.Fields(ex),
                    Values = Values(provider, name, method, mode, createApiKey),
                });
            }
        });

        ui.MapPost("/oauth/flows/{id:guid}/complete", async (Guid id, [FromForm] string? code, OAuthLoginService logins, CancellationToken ct) =>
        {
            try
            {
                return Body(await logins.CompleteAsync(id, code, ct));
            }
            catch (ValidationFailedException ex)
            {
                // A malformed or foreign code: the login keeps waiting for the right one.
                return Body(await logins.GetAsync(id, ct), ex.Errors);
            }
            catch (MaestroException ex) when (ex is not NotFoundException)
            {
                // Denied consent, a refused exchange, or a login that is not waiting any more: the status line says which.
                var flow = await logins.GetAsync(id, ct);
                return flow.Status == OAuthFlowStatus.Pending ? Body(flow, UiErrors.Fields(ex)) : Body(flow);
            }
        });

        ui.MapPost("/oauth/flows/{id:guid}/cancel", async (Guid id, OAuthLoginService logins, CancellationToken ct) =>
            Body(await logins.CancelAsync(id, ct)));

        ui.MapPost("/auths/{provider}/{name}/refresh", async (string provider, string name, AuthService auths, OAuthRefresher refresher, CancellationToken ct) =>
        {
            var target = new AuthRef(provider, name);
            var stored = await auths.GetWithCredentialsAsync(target, ct);
            if (stored.Record.Type != AuthType.OAuth)
            {
                return new RazorComponentResult<RefreshResultView>(new
                {
                    Auth = AuthView.From(stored.Record),
                    Result = RefreshResult.Fresh,
                    Message = $"{target} is an API key; only OAuth logins have tokens to refresh.",
                });
            }

            var outcome = await refresher.RefreshAsync(stored.Record.Id, RefreshTrigger.Forced, stored.Credentials.AccessToken, ct);
            return new RazorComponentResult<RefreshResultView>(new
            {
                Auth = AuthView.From(await auths.GetAsync(target, ct)),
                outcome.Result,
                outcome.Message,
            });
        });

        return ui;
    }

    private static RazorComponentResult<LoginFlowUpdate> Body(OAuthFlow flow, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(new { Flow = flow, Errors = errors });

    private static Dictionary<string, string> Values(string? provider, string? name, string? method, string? mode, string? createApiKey)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in new[] { ("provider", provider), ("name", name), ("method", method), ("mode", mode), ("create_api_key", createApiKey) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                values[key] = value;
            }
        }

        return values;
    }
}
