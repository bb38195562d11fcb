using System.Diagnostics;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Web.Api;
using Maestro.Web.Components.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>The MCP hub's fragments: add, edit, delete, test, import — through McpService, like the REST API and the CLI.</summary>
public static class McpUiEndpoints
{
    public static RouteGroupBuilder MapMcpUi(this RouteGroupBuilder ui)
    {
        var mcp = ui.MapGroup("/mcp");

        mcp.MapPost("/", async (IFormCollection input, McpService service, McpHubData hub, FragmentRenderer renderer, CancellationToken ct) =>
        {
            var values = McpFormValues.From(input);
            try
            {
                var errors = new FieldErrors();
                var spec = values.ToSpec(creating: true, errors);
                errors.ThrowIfAny();
                var created = await service.CreateAsync(spec, ct);
                var (servers, usedBy) = await hub.LoadAsync(ct);
                var form = await renderer.RenderAsync<McpServerForm>(new Dictionary<string, object?>
                {
                    ["Action"] = "/ui/mcp",
                    ["SubmitLabel"] = "Add server",
                    ["Values"] = new McpFormValues(),
                    ["Saved"] = $"Added {created.Name}.",
                });
                var table = await renderer.RenderAsync<McpServerTable>(new Dictionary<string, object?> { ["Servers"] = servers, ["UsedBy"] = usedBy, ["Oob"] = true });
                return (IResult)ChatEndpoints.Html(form + table);
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return new RazorComponentResult<McpServerForm>(new { Action = "/ui/mcp", SubmitLabel = "Add server", Values = values, Errors = UiErrors.Fields(ex) });
            }
        });

        mcp.MapPost("/{id:guid}", async (Guid id, IFormCollection input, HttpContext http, McpService service, CancellationToken ct) =>
        {
            var existing = McpServerView.From(await service.GetAsync(id.ToString(), ct));
            var values = McpFormValues.From(input);
            var action = $"/ui/mcp/{id}";
            try
            {
                var errors = new FieldErrors();
                var spec = values.ToSpec(creating: false, errors);
                errors.ThrowIfAny();
                var updated = McpServerView.From(await service.UpdateAsync(id.ToString(), spec, ct));
                if (updated.Name != existing.Name)
                {
                    http.Response.Headers["HX-Redirect"] = $"/mcp/{Uri.EscapeDataString(updated.Name)}";
                }

                return Form(action, McpFormValues.From(updated), updated, null, "Saved.");
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return Form(action, values, existing, UiErrors.Fields(ex), null);
            }
        });

        mcp.MapDelete("/{id:guid}", async (Guid id, McpService service, McpHubData hub, CancellationToken ct) =>
        {
            IReadOnlyDictionary<string, string[]>? errors = null;
            try
            {
                await service.DeleteAsync(id.ToString(), ct);
            }
            catch (NotFoundException)
            {
                // Deleted elsewhere already.
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                errors = UiErrors.Fields(ex, "mcp");
            }

            var (servers, usedBy) = await hub.LoadAsync(ct);
            return new RazorComponentResult<McpServerTable>(new { Servers = servers, UsedBy = usedBy, Errors = errors });
        });

        mcp.MapPost("/{id:guid}/test", async (Guid id, McpService service, CancellationToken ct) =>
        {
            var server = await service.GetAsync(id.ToString(), ct);
            var clock = Stopwatch.StartNew();
            try
            {
                return new RazorComponentResult<McpTestResultView>(new { Result = await service.TestAsync(server, ct) });
            }
            catch (MaestroException ex)
            {
                return new RazorComponentResult<McpTestResultView>(new { Error = $"{ex.Message} ({(int)clock.Elapsed.TotalMilliseconds} ms)" });
            }
        });

        mcp.MapPost("/import", async ([FromForm] string? kind, [FromForm] string? text, McpService service, McpHubData hub, FragmentRenderer renderer, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return (IResult)new RazorComponentResult<McpImportForm>(new
                {
                    Kind = kind,
                    Errors = new Dictionary<string, string[]> { ["import"] = ["Paste a configuration to import."] },
                });
            }

            try
            {
                var report = kind == "command" ? await service.ImportClaudeCommandsAsync(text, ct) : await service.ImportJsonAsync(text, ct);
                var (servers, usedBy) = await hub.LoadAsync(ct);
                var form = await renderer.RenderAsync<McpImportForm>(new Dictionary<string, object?> { ["Kind"] = kind, ["Report"] = report });
                var table = await renderer.RenderAsync<McpServerTable>(new Dictionary<string, object?> { ["Servers"] = servers, ["UsedBy"] = usedBy, ["Oob"] = true });
                return ChatEndpoints.Html(form + table);
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return new RazorComponentResult<McpImportForm>(new { Kind = kind, Text = text, Errors = new Dictionary<string, string[]> { ["import"] = [UiErrors.Line(ex)] } });
            }
        });

        return ui;
    }

    private static RazorComponentResult<McpServerForm> Form(string action, McpFormValues values, McpServerView server, IReadOnlyDictionary<string, string[]>? errors, string? saved) =>
        new(new
        {
            Action = action,
            SubmitLabel = "Save changes",
            Values = values,
            ExistingEnv = server.Env.Keys.ToList(),
            ExistingHeaders = server.Headers.Keys.ToList(),
            Errors = errors,
            Saved = saved,
        });
}
