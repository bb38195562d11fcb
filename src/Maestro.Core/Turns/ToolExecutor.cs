using System.Diagnostics;
using System.Text.Json;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// Runs the calls of one model round, in parallel when there are several, under the session's permission policy.
/// Every failure (unknown tool, bad arguments, denial, a tool that throws) becomes a result the model can read; the
/// turn goes on.
/// </summary>
public sealed class ToolExecutor(IApprovalStore approvals, ISessionStore sessions, SessionEventHub events, ILogger<ToolExecutor> logger)
{
    /// <summary>Longest result text put in a tool_finished event (the model gets the whole result).</summary>
    private const int DisplayChars = 4000;

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
        if (!turn.Tools.TryResolve(call.Name, out var tool))
        {
            var known = string.Join(", ", turn.Tools.ModelNames);
            return Finish(turn, call, null, ToolResult.Error(
                $"Unknown tool '{call.Name}'. Available tools: {(known.Length == 0 ? "none" : known)}."), 0);
        }

        if (call.Exception is not null || call.Arguments is null)
        {
            return Finish(turn, call, tool, ToolResult.Error(
                $"Invalid arguments for {call.Name}: {call.Exception?.Message ?? "missing"}. Send a JSON object matching the tool's schema."), 0);
        }

        // The policy is re-read for every call: "approve for this session" on one call applies to the next ones.
        var session = await sessions.GetAsync(turn.Session.Id, cancellationToken) ?? turn.Session;
        var permission = session.Policy.Resolve(tool.Definition);
        if (permission == ToolPermission.Deny)
        {
            return Finish(turn, call, tool, ToolResult.Error(
                $"Denied: this session's policy does not allow the tool {tool.Definition.Name}. Do not call it again; find another way or ask the user."), 0);
        }

        if (permission == ToolPermission.Ask)
        {
            var argumentsJson = JsonSerializer.SerializeToElement(call.Arguments, AIJsonUtilities.DefaultOptions);
            var stored = await approvals.CreateAsync(turn.TurnId, session.Id, call.CallId, tool.Definition.Name, argumentsJson, cancellationToken);
            events.Publish(new SessionEvent
            {
                SessionId = session.Id,
                Type = SessionEventTypes.ApprovalRequested,
                TurnId = turn.TurnId,
                Approval = new ApprovalInfo(stored.Id, call.CallId, tool.Definition.Name, call.Arguments, "pending"),
            });
            var decision = await turn.Approvals.DecideAsync(new PendingApproval(stored, tool.Definition, call.Arguments), cancellationToken);
            if (decision is not (ApprovalStatus.Approved or ApprovalStatus.ApprovedForSession))
            {
                var reason = (await approvals.GetAsync(stored.Id, cancellationToken))?.Reason;
                return Finish(turn, call, tool, ToolResult.Error(
                    $"The user denied this call to {tool.Definition.Name}{(reason is null ? "" : $": {reason}")}. Do not retry it unchanged."), 0);
            }
        }

        events.Publish(new SessionEvent
        {
            SessionId = session.Id,
            Type = SessionEventTypes.ToolStarted,
            TurnId = turn.TurnId,
            Tool = new ToolActivity(call.CallId, tool.Definition.Name, call.Arguments, "running"),
        });
        var clock = Stopwatch.StartNew();
        ToolResult result;
        try
        {
            result = await tool.InvokeAsync(new ToolCall(call.CallId, tool.Definition.Name, ToJson(call.Arguments)), turn.ToolContext, cancellationToken);
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

        return Finish(turn, call, tool, result, clock.Elapsed.TotalMilliseconds);
    }

    private FunctionResultContent Finish(TurnScope turn, FunctionCallContent call, ITool? tool, ToolResult result, double durationMs)
    {
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

    private static Dictionary<string, JsonElement> ToJson(IDictionary<string, object?> arguments)
    {
        var result = new Dictionary<string, JsonElement>(arguments.Count, StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            result[key] = value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions);
        }

        return result;
    }
}

/// <summary>What the executor needs to know about the running turn.</summary>
public sealed record TurnScope(Guid TurnId, Session Session, ToolSet Tools, ToolContext ToolContext, IApprovalHandler Approvals);
