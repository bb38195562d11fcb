namespace Maestro.Core.Tools;

/// <summary>
/// Something the model can call: a built-in (shell, files, http) or a tool of an MCP server. Tools validate their own
/// arguments; a <see cref="ToolArgumentException"/> is reported back to the model, never a crash of the turn.
/// </summary>
public interface ITool
{
    ToolDefinition Definition { get; }

    Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken);
}
