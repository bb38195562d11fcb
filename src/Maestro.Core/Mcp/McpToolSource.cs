using Maestro.Core.Tools;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Mcp;

/// <summary>
/// The tools of the MCP servers attached to a session (disabled servers left out), from the shared connections of
/// <see cref="McpClientPool"/>. A server that cannot be started only loses its tools for this turn: the turn goes on.
/// </summary>
public sealed class McpToolSource(IMcpServerStore store, McpClientPool pool, ILogger<McpToolSource> logger) : IToolSource
{
    public async Task<IReadOnlyList<MaestroTool>> GetToolsAsync(ToolSourceRequest request, CancellationToken cancellationToken)
    {
        if (request.McpServerIds.Count == 0)
        {
            return [];
        }

        var servers = new List<McpServer>();
        foreach (var id in request.McpServerIds.Distinct())
        {
            var server = await store.GetAsync(id, cancellationToken);
            if (server is { Enabled: true })
            {
                servers.Add(server);
            }
        }

        // Servers start in parallel: a turn waits for the slowest, not the sum.
        var lists = await Task.WhenAll(servers.Select(s => ToolsOfAsync(s, request.SessionId, cancellationToken)));
        return [.. lists.SelectMany(l => l)];
    }

    private async Task<IReadOnlyList<MaestroTool>> ToolsOfAsync(McpServer server, Guid sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await pool.GetAsync(server, cancellationToken);
            var tools = await connection.GetToolsAsync(cancellationToken);
            return [.. tools.Select(t => new McpTool(pool, server, t))];
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("MCP server {Server} is unavailable, so session {SessionId} goes on without its tools: {Reason}",
                server.Name, sessionId, ex.Message);
            return [];
        }
    }
}
