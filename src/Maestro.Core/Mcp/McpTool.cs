using Maestro.Core.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Maestro.Core.Mcp;

/// <summary>
/// One tool of an MCP server, called through the pool's shared connection (which is made again if the server
/// crashed). Failures of the server become error results the model can read; only cancellation propagates.
/// </summary>
internal sealed class McpTool(McpClientPool pool, McpServer server, Tool tool) : MaestroTool
{
    public override ToolDefinition Definition { get; } = McpToolMapping.Definition(server, tool);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var details = new Dictionary<string, object?> { ["server"] = server.Name, ["tool"] = tool.Name };
        CallToolResult result;
        McpConnection? connection = null;
        try
        {
            connection = await pool.GetAsync(server, cancellationToken);
            result = await connection.CallToolAsync(tool.Name, call.Arguments, cancellationToken);
        }
        catch (McpConnectionException ex)
        {
            return Failed($"MCP server '{server.Name}' is not available: {ex.Message}", details);
        }
        catch (TimeoutException ex)
        {
            return Failed($"{tool.Name} (MCP server '{server.Name}'): {ex.Message}", details);
        }
        catch (McpProtocolException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Either the server refused this call (unknown tool, invalid arguments: the model can correct it), or the
            // connection no longer works (a restarted remote server answers "no valid session"). A ping tells which.
            if (connection is not null && !await connection.PingAsync())
            {
                await pool.DiscardAsync(server.Id, connection);
                return Failed($"Lost the connection to MCP server '{server.Name}' ({ex.Message}); the next call reconnects.", details);
            }

            return Failed($"{tool.Name} (MCP server '{server.Name}') refused the call: {ex.Message}", details);
        }
        catch (Exception ex) when (ex is ClientTransportClosedException or McpException or IOException or HttpRequestException or ObjectDisposedException
                                   && !cancellationToken.IsCancellationRequested)
        {
            // The connection is broken (a crashed process, a remote server that forgot the session): the next call
            // connects again. This call is not repeated: the tool may have done part of its work.
            if (connection is not null)
            {
                await pool.DiscardAsync(server.Id, connection);
            }

            return Failed($"MCP server '{server.Name}' failed while running {tool.Name}: {ex.Message}", details);
        }

        var text = OutputTruncation.HeadTail(McpToolOutput.Format(result), context.Limits.MaxOutputChars);
        var isError = result.IsError == true;
        return new ToolResult(text, isError, Summary: isError ? FirstLine(text) : null, Details: details);
    }

    private static ToolResult Failed(string message, Dictionary<string, object?> details) =>
        new(message, IsError: true, Summary: FirstLine(message), Details: details);

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var line = newline < 0 ? text : text[..newline];
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
