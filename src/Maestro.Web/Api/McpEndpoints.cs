using System.Diagnostics;
using System.Text.Json;
using Maestro.Core.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>/api/mcp-servers: MCP servers that sessions attach (by name, in a session's mcp_servers). Values of env and headers are never returned.</summary>
public static class McpEndpoints
{
    private static readonly McpServerRequest Empty = new(null, null, null, null, null, null, null, null, null);

    public static IEndpointRouteBuilder MapMcpApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/mcp-servers");

        group.MapGet("/", async (McpService mcp, CancellationToken ct) =>
            Results.Ok((await mcp.ListAsync(ct)).Select(McpServerView.From)));

        group.MapPost("/", async (McpServerRequest? request, McpService mcp, CancellationToken ct) =>
        {
            if (request is null)
            {
                return ApiProblem.Validation("body",
                    "Send a JSON object: {\"name\", \"command\", \"args\"?, \"env\"?, \"working_directory\"?} or {\"name\", \"url\", \"transport\"?, \"headers\"?}.");
            }

            var created = await mcp.CreateAsync(request.ToSpec(), ct);
            return Results.Created($"/api/mcp-servers/{created.Name}", McpServerView.From(created));
        });

        group.MapPost("/import", async (McpImportRequest? request, McpService mcp, CancellationToken ct) =>
        {
            var json = request?.Json is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } j
                ? j.ValueKind == JsonValueKind.String ? j.GetString()! : j.GetRawText()
                : null;
            var command = request?.Command;
            if ((json is null) == (command is null))
            {
                return ApiProblem.Validation("body",
                    "Send either {\"json\": {\"mcpServers\": {...}}} (Claude Desktop or Cursor configuration) or {\"command\": \"claude mcp add ...\"}.");
            }

            var report = json is not null ? await mcp.ImportJsonAsync(json, ct) : await mcp.ImportClaudeCommandsAsync(command!, ct);
            return Results.Ok(McpImportView.From(report));
        });

        group.MapGet("/{name}", async (string name, McpService mcp, CancellationToken ct) =>
            Results.Ok(McpServerView.From(await mcp.GetAsync(name, ct))));

        group.MapPatch("/{name}", async (string name, McpServerRequest? request, McpService mcp, CancellationToken ct) =>
        {
            if (request is null || request == Empty)
            {
                return ApiProblem.Validation("body", "Send at least one of name, transport, command, args, env, working_directory, url, headers, enabled.");
            }

            return Results.Ok(McpServerView.From(await mcp.UpdateAsync(name, request.ToSpec(), ct)));
        });

        group.MapDelete("/{name}", async (string name, McpService mcp, CancellationToken ct) =>
        {
            await mcp.DeleteAsync(name, ct);
            return Results.NoContent();
        });

        group.MapPost("/{name}/test", async (string name, McpService mcp, CancellationToken ct) =>
        {
            var server = await mcp.GetAsync(name, ct);
            var clock = Stopwatch.StartNew();
            try
            {
                return Results.Ok(McpTestView.From(await mcp.TestAsync(server, ct)));
            }
            catch (McpConnectionException ex)
            {
                return Results.Ok(McpTestView.From(ex, clock.Elapsed));
            }
        });

        return app;
    }
}
