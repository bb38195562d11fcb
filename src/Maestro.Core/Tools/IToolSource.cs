namespace Maestro.Core.Tools;

/// <summary>Supplies the tools a session can use: the built-ins it enabled, the tools of its MCP servers.</summary>
public interface IToolSource
{
    Task<IReadOnlyList<MaestroTool>> GetToolsAsync(ToolSourceRequest request, CancellationToken cancellationToken);
}

/// <param name="EnabledBuiltIns">Built-in tool names the session enabled (null = all).</param>
/// <param name="McpServerIds">MCP servers attached to the session.</param>
public sealed record ToolSourceRequest(Guid SessionId, IReadOnlyCollection<string>? EnabledBuiltIns, IReadOnlyCollection<Guid> McpServerIds);
