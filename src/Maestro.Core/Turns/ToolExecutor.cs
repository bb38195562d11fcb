using System.Diagnostics;
using System.Text.Json;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Telemetry;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// Runs the calls of one model round, in parallel when there are several, each tool (an <see cref="AIFunction"/>)
/// behind the session's permission policy (<see cref="ApprovalGatedTool"/>) and in its own <c>execute_tool</c> span.
/// Every failure (unknown tool, bad arguments, denial, a tool that throws) becomes a result the model can read; the
/// turn goes on.
/// </summary>
public sealed class ToolExecutor(
    IApprovalStore approvals,
    ISessionStore sessions,
    SessionEventHub events,
    ToolLimits limits,
    TelemetryOptions telemetry,
    TimeProvider time,
    ILogger<ToolExecutor> logger)
{
    /// <summary>Longest result text put in a tool_finished event (the model gets the whole result).</summary>
    private const int DisplayChars = 4000;

    /// <summary>What the tools of one turn run with: its session's folder, limits and shell environment.</summary>
    public TurnScope ScopeFor(Guid turnId, Session session, ToolSet tools, IApprovalHandler approvals) =>
        new(turnId, session, tools, new ToolContext
        {
            WorkingDirectory = session.WorkingDirectory ?? Environment.CurrentDirectory,
            SessionId = session.Id,
            Limits = limits,
            Logger = logger,
            Time = time,
            EnvironmentPassthrough = session.Settings.ShellEnvPassthrough,
        }, approvals);

    public async Task<List<FunctionResultContent>> ExecuteAsync(
        TurnScope turn, IReadOnlyList<FunctionCallContent> calls, CancellationToken cancellationToken)
    {
        var tasks = new Task<FunctionResultContent>[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            tasks[i] = ExecuteOneAsync(turn, calls[i], cancellationToken);
        }

        return [.. await Task.WhenAll(tasks)];
    }

    private async Task<FunctionResultContent> ExecuteOneAsync(TurnScope turn, FunctionCallContent call, CancellationToken cancellationToken)
    {
        using var span = ToolSpan.Start(call, turn.Tools.TryResolve(call.Name, out var resolved) ? resolved : null, telemetry.CaptureMessageContent);
        if (resolved is not { } tool)
        {
            var known = string.Join(", ", turn.Tools.ModelNames);
            return Finish(turn, call, null, ToolResult.Error(
                $"Unknown tool '{call.Name}'. Available tools: {(known.Length == 0 ? "none" : known)}."), 0, span);
        }

        if (call.Exception is not null || call.Arguments is null)
        {
            return Finish(turn, call, tool, ToolResult.Error(
                $"Invalid arguments for {call.Name}: {call.Exception?.Message ?? "missing"}. Send a JSON object matching the tool's schema."), 0, span);
        }

        var clock = new Stopwatch();
        var gated = new ApprovalGatedTool(tool, async ct =>
        {
            var refusal = await AuthorizeAsync(turn, call, tool, ct);
            if (refusal is null)
            {
                Started(turn, call, tool);
                clock.Start();
            }

            return refusal;
        });
        ToolResult result;
        try
        {
            var value = await gated.InvokeAsync(new ToolInvocation(call.CallId, turn.ToolContext).Arguments(call.Arguments), cancellationToken);
            result = value as ToolResult ?? new ToolResult(GenAiMessagesJson.Value(value));
        }
        catch (ToolArgumentException ex)
        {
            result = ToolResult.Error($"Invalid arguments for {tool.Definition.Name}: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = ToolResult.Error("Cancelled: the turn was stopped while the tool ran.");
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Tool {Tool} failed", tool.Definition.Name);
            result = ToolResult.Error($"The tool {tool.Definition.Name} failed: {ex.Message}");
        }

        return Finish(turn, call, tool, result, clock.Elapsed.TotalMilliseconds, span);
    }

    /// <summary>The session's policy for this call (re-read each time: "approve for this session" applies to the next ones).</summary>
    private async Task<ToolResult?> AuthorizeAsync(TurnScope turn, FunctionCallContent call, MaestroTool tool, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(turn.Session.Id, cancellationToken) ?? turn.Session;
        var permission = session.Policy.Resolve(tool.Definition);
        if (permission == ToolPermission.Deny)
        {
            return ToolResult.Error(
                $"Denied: this session's policy does not allow the tool {tool.Definition.Name}. Do not call it again; find another way or ask the user.");
        }

        if (permission != ToolPermission.Ask)
        {
            return null;
        }

        var argumentsJson = JsonSerializer.SerializeToElement(call.Arguments, AIJsonUtilities.DefaultOptions);
        var stored = await approvals.CreateAsync(turn.TurnId, session.Id, call.CallId, tool.Definition.Name, argumentsJson, cancellationToken);
        events.Publish(new SessionEvent
        {
            SessionId = session.Id,
            Type = SessionEventTypes.ApprovalRequested,
            TurnId = turn.TurnId,
            Approval = new ApprovalInfo(stored.Id, call.CallId, tool.Definition.Name, call.Arguments, "pending"),
        });
        var decision = await turn.Approvals.DecideAsync(new PendingApproval(stored, tool.Definition, call.Arguments!), cancellationToken);
        if (decision is ApprovalStatus.Approved or ApprovalStatus.ApprovedForSession)
        {
            return null;
        }

        var reason = (await approvals.GetAsync(stored.Id, cancellationToken))?.Reason;
        return ToolResult.Error($"The user denied this call to {tool.Definition.Name}{(reason is null ? "" : $": {reason}")}. Do not retry it unchanged.");
    }

    private void Started(TurnScope turn, FunctionCallContent call, MaestroTool tool) => events.Publish(new SessionEvent
    {
        SessionId = turn.Session.Id,
        Type = SessionEventTypes.ToolStarted,
        TurnId = turn.TurnId,
        Tool = new ToolActivity(call.CallId, tool.Definition.Name, call.Arguments, "running"),
    });

    private FunctionResultContent Finish(TurnScope turn, FunctionCallContent call, MaestroTool? tool, ToolResult result, double durationMs, ToolSpan span)
    {
        span.Finish(result);
        events.Publish(new SessionEvent
        {
            SessionId = turn.Session.Id,
            Type = SessionEventTypes.ToolFinished,
            TurnId = turn.TurnId,
            Tool = new ToolActivity(
                call.CallId,
                tool?.Definition.Name ?? call.Name,
                call.Arguments,
                result.IsError ? "error" : "done",
                result.Summary,
                OutputTruncation.HeadTail(result.Text, DisplayChars),
                result.IsError,
                durationMs),
        });
        var content = new FunctionResultContent(call.CallId, result.Text);
        content.AdditionalProperties = new AdditionalPropertiesDictionary
        {
            ["tool"] = tool?.Definition.Name ?? call.Name,
            ["duration_ms"] = Math.Round(durationMs, 1),
        };
        if (result.IsError)
        {
            content.AdditionalProperties["is_error"] = true;
        }

        return content;
    }
}
