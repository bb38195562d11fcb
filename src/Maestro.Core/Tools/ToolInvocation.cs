using Microsoft.Extensions.AI;

namespace Maestro.Core.Tools;

/// <summary>The call a tool is invoked for and where it runs, carried in <see cref="AIFunctionArguments.Context"/>.</summary>
public sealed record ToolInvocation(string CallId, ToolContext Context)
{
    /// <summary>Arguments for one call: the model's arguments, with this invocation in their context.</summary>
    public AIFunctionArguments Arguments(IDictionary<string, object?>? arguments) =>
        new(arguments ?? new Dictionary<string, object?>()) { Context = new Dictionary<object, object?> { [typeof(ToolInvocation)] = this } };

    /// <exception cref="InvalidOperationException">The arguments carry no invocation (a tool called outside a turn).</exception>
    public static ToolInvocation Of(AIFunctionArguments arguments) =>
        arguments.Context?.TryGetValue(typeof(ToolInvocation), out var value) == true && value is ToolInvocation invocation
            ? invocation
            : throw new InvalidOperationException("A Maestro tool needs its ToolInvocation (call id, working directory, limits) in the arguments' context.");
}
