using System.Text.Json;

namespace Maestro.Core.Tools;

/// <summary>What the model is told about a tool, and what the permission policy needs to know.</summary>
/// <param name="Name">The tool's own name (MCP names may contain characters a provider rejects; see ToolNames).</param>
/// <param name="InputSchema">A JSON Schema object describing the arguments.</param>
/// <param name="Source">"builtin", or "mcp:&lt;server name&gt;".</param>
public sealed record ToolDefinition(string Name, string Description, JsonElement InputSchema, ToolEffect Effect, string Source = ToolDefinition.BuiltIn)
{
    public const string BuiltIn = "builtin";
}

/// <summary>What a tool can do to the world; the default permission follows from it (read-only tools run without asking).</summary>
public enum ToolEffect
{
    ReadOnly,
    Writes,
    Executes,
    Network,
}
