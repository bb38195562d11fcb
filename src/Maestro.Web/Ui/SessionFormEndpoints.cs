using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Core.Models;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Turns;
using Maestro.Core.Usage;
using Maestro.Web.Api;
using Maestro.Web.Components.Chat;
using Maestro.Web.Components.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>Session forms (create, edit, delete) and the model suggestions of model fields; validated by SessionService like REST and the CLI.</summary>
public static class SessionFormEndpoints
{
    public static RouteGroupBuilder MapSessionUi(this RouteGroupBuilder ui)
    {
        ui.MapPost("/sessions", async (IFormCollection form, HttpContext http, SessionService sessions, AuthService auths, IBuiltInTools tools, McpService mcp, CancellationToken ct) =>
        {
            var all = ToolNames(tools);
            var values = SessionFormValues.From(form, all);
            try
            {
                var errors = new FieldErrors();
                var spec = values.ToSpec(creating: true, all, errors);
                errors.ThrowIfAny();
                var created = await sessions.CreateAsync(spec, ct);
                http.Response.Headers["HX-Redirect"] = $"/sessions/{Uri.EscapeDataString(created.Name)}";
                return (IResult)ChatEndpoints.Html("");
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return await FormAsync("/ui/sessions", "Create session", values, auths, tools, UiErrors.Fields(ex, "session"), false, mcp, ct);
            }
        });

        ui.MapPost("/sessions/{session}", async (string session, IFormCollection form, HttpContext http, SessionService sessions, AuthService auths, IBuiltInTools tools, McpService mcp, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var all = ToolNames(tools);
            var values = SessionFormValues.From(form, all);
            var action = $"/ui/sessions/{s.Id}";
            try
            {
                var errors = new FieldErrors();
                var spec = values.ToSpec(creating: false, all, errors);
                errors.ThrowIfAny();
                var updated = await sessions.UpdateAsync(s.Id, spec, ct);
                if (updated.Name != s.Name)
                {
                    http.Response.Headers["HX-Redirect"] = $"/sessions/{Uri.EscapeDataString(updated.Name)}/settings";
                }

                var names = (await mcp.ListAsync(ct)).ToDictionary(m => m.Id, m => m.Name);
                return await FormAsync(action, "Save changes", SessionFormValues.From(updated, names), auths, tools, null, true, mcp, ct);
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return await FormAsync(action, "Save changes", values, auths, tools, UiErrors.Fields(ex, "session"), false, mcp, ct);
            }
        });

        ui.MapDelete("/sessions/{session}", async (string session, bool? redirect, int? page, string? q, string? auth, string? provider, HttpContext http, SessionService sessions, ITurnStore turns, CancellationToken ct) =>
        {
            IReadOnlyDictionary<string, string[]>? errors = null;
            try
            {
                await sessions.DeleteAsync((await sessions.GetAsync(session, ct)).Id, ct);
                if (redirect == true)
                {
                    http.Response.Headers["HX-Redirect"] = "/";
                }
            }
            catch (NotFoundException)
            {
                // Deleted elsewhere already: show the list as it is.
            }
            catch (ConflictException ex)
            {
                if (redirect == true)
                {
                    // The settings page: only the reason, beside its delete button.
                    var message = System.Text.Encodings.Web.HtmlEncoder.Default.Encode(ex.Message);
                    return (IResult)ChatEndpoints.Html($"<p id=\"session-table\" class=\"field-error\" role=\"alert\">{message}</p>");
                }

                errors = UiErrors.Fields(ex, "session");
            }

            return new RazorComponentResult<SessionTable>(new
            {
                Page = await sessions.PageAsync(page ?? 1, SessionPage.DefaultSize, SessionFilter.From(q, auth, provider), ct),
                Running = (await turns.RunningAsync(ct)).Select(t => t.SessionId).ToHashSet(),
                Errors = errors,
            });
        });

        ui.MapGet("/models/options", async (string? auth, string? list, ModelCatalog models, PriceTable prices, CancellationToken ct) =>
        {
            var id = list is "bar-models" or "sf-models" ? list : "sf-models";
            var (choices, error) = await ModelChoicesAsync(auth, models, prices, ct);
            return new RazorComponentResult<ModelOptions>(new { ListId = id, Models = choices, Error = error });
        });

        return ui;
    }

    /// <summary>An auth's live models with their facts and prices, or why there are none (a provider that cannot list still chats).</summary>
    public static async Task<(IReadOnlyList<ModelChoice> Models, string? Error)> ModelChoicesAsync(string? auth, ModelCatalog models, PriceTable prices, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(auth))
        {
            return ([], null);
        }

        try
        {
            var list = await models.GetAsync(AuthRef.Parse(auth), refresh: false, ct);
            return ([.. list.Models.Select(m => ModelChoice.From(m, prices.Find(list.Auth.Provider, m.Id)))], null);
        }
        catch (Exception ex) when (ex is MaestroException or HttpRequestException)
        {
            return ([], ex.Message);
        }
    }

    private static List<string> ToolNames(IBuiltInTools tools) => [.. tools.Definitions.Select(d => d.Name)];

    private static async Task<IResult> FormAsync(string action, string label, SessionFormValues values, AuthService auths, IBuiltInTools tools,
        IReadOnlyDictionary<string, string[]>? errors, bool saved, McpService mcp, CancellationToken ct) =>
        new RazorComponentResult<SessionForm>(new
        {
            McpServers = (await mcp.ListAsync(ct)).Select(McpServerView.From).ToList(),
            Action = action,
            SubmitLabel = label,
            Values = values,
            Auths = (await auths.ListAsync(null, ct)).Select(AuthView.From).ToList(),
            Tools = tools.Definitions,
            Errors = errors,
            Saved = saved,
        });
}
