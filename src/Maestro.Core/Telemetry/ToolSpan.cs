using System.Diagnostics;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Telemetry;

/// <summary>
/// One tool call as an <c>execute_tool {tool}</c> span (a child of the turn's span): the tool, the call id, and how it
/// ended; the arguments and the result only with content capture on.
/// </summary>
public readonly struct ToolSpan : IDisposable
{
    private readonly Activity? _activity;
    private readonly bool _captureContent;

    private ToolSpan(Activity? activity, bool captureContent)
    {
        _activity = activity;
        _captureContent = captureContent;
    }

    public static ToolSpan Start(FunctionCallContent call, MaestroTool? tool, bool captureContent)
    {
        var name = tool?.Definition.Name ?? call.Name;
        var activity = MaestroTelemetry.Source.StartActivity($"{GenAiAttributes.ExecuteTool} {name}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiAttributes.OperationName, GenAiAttributes.ExecuteTool)
                .SetTag(GenAiAttributes.ToolName, name)
                .SetTag(GenAiAttributes.ToolCallId, call.CallId)
                .SetTag(GenAiAttributes.ToolType, "function")
                .SetTag(GenAiAttributes.ToolDescription, tool?.Definition.Description);
            if (captureContent)
            {
                activity.SetTag(GenAiAttributes.ToolCallArguments, GenAiMessagesJson.Value(call.Arguments));
            }
        }

        return new ToolSpan(activity, captureContent);
    }

    public void Finish(ToolResult result)
    {
        if (_activity is not { IsAllDataRequested: true } activity)
        {
            return;
        }

        if (_captureContent)
        {
            activity.SetTag(GenAiAttributes.ToolCallResult, result.Text);
        }

        if (result.IsError)
        {
            activity.SetTag(GenAiAttributes.ErrorType, "tool_error").SetStatus(ActivityStatusCode.Error, result.Summary ?? "the tool reported an error");
        }
    }

    public void Dispose() => _activity?.Dispose();
}
