using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Tools;

/// <summary>
/// Something the model can call — a built-in (shell, files, http) or a tool of an MCP server — as an M.E.AI
/// <see cref="AIFunction"/>: its name, description and JSON schema come from its <see cref="Definition"/>, and invoking
/// it with <see cref="AIFunctionArguments"/> (the call's <see cref="ToolInvocation"/> in their context) returns a
/// <see cref="ToolResult"/>. Tools validate their own arguments; a <see cref="ToolArgumentException"/> is reported back
/// to the model, never a crash of the turn.
/// </summary>
public abstract class MaestroTool : AIFunction
{
    /// <summary>What the model is told, and what the permission policy needs to know (the effect, the source).</summary>
    public abstract ToolDefinition Definition { get; }

    public override string Name => Definition.Name;

    public override string Description => Definition.Description;

    public override JsonElement JsonSchema => Definition.InputSchema;

    /// <summary>Runs one call with its arguments as JSON.</summary>
    public abstract Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken);

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var invocation = ToolInvocation.Of(arguments);
        return await InvokeAsync(new ToolCall(invocation.CallId, Name, ToJson(arguments)), invocation.Context, cancellationToken);
    }

    private static Dictionary<string, JsonElement> ToJson(AIFunctionArguments arguments)
    {
        var result = new Dictionary<string, JsonElement>(arguments.Count, StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            result[key] = value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions);
        }

        return result;
    }
}
