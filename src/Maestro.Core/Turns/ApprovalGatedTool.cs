using Maestro.Core.Tools;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// A tool behind the session's permission policy — M.E.AI's <see cref="ApprovalRequiredAIFunction"/> idea, with the
/// decision made by Maestro (policy, then a persisted approval the user answers from any viewer): invoking it first
/// asks <paramref name="authorize"/>, which returns the refusal the model reads, or null to run the tool.
/// </summary>
internal sealed class ApprovalGatedTool(MaestroTool tool, Func<CancellationToken, Task<ToolResult?>> authorize) : DelegatingAIFunction(tool)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        await authorize(cancellationToken) is { } refusal
            ? refusal
            : await base.InvokeCoreAsync(arguments, cancellationToken);
}
