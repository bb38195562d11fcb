using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;

namespace Maestro.Web.Api;

public sealed record SessionView(
    Guid Id,
    string Name,
    string? Auth,
    string Model,
    string? WorkingDirectory,
    IReadOnlyList<string>? Tools,
    PolicyView Policy,
    IReadOnlyList<string> McpServers,
    IReadOnlyList<Guid> McpServerIds,
    IReadOnlyList<PromptRef> Prompts,
    string? SystemPrompt,
    SessionSettings Settings,
    Guid? CurrentThreadId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    Guid? RunningTurnId = null)
{
    /// <param name="mcpServerNames">The names of the session's MCP servers (see <see cref="SessionViews"/>).</param>
    public static SessionView From(Session s, Guid? runningTurn = null, IReadOnlyList<string>? mcpServerNames = null) => new(
        s.Id, s.Name, s.Auth?.ToString(), s.Model, s.WorkingDirectory, s.EnabledTools, PolicyView.From(s.Policy),
        mcpServerNames ?? [.. s.McpServerIds.Select(id => id.ToString())], s.McpServerIds,
        s.PromptStack, s.SystemPrompt, s.Settings, s.CurrentThreadId, s.CreatedAt, s.UpdatedAt, runningTurn);
}

/// <param name="Default">allow/ask/deny, or null: read-only tools allowed, others ask.</param>
public sealed record PolicyView(string? Default, IReadOnlyDictionary<string, string> Tools)
{
    public static PolicyView From(ToolPolicy p) => new(p.Default?.ToWire(), p.PerTool.ToDictionary(t => t.Key, t => t.Value.ToWire()));
}

/// <summary>A stored message with its content as provider-neutral blocks.</summary>
public sealed record MessageView(
    Guid Id,
    Guid ThreadId,
    long Seq,
    string Role,
    string Status,
    IReadOnlyList<BlockView> Blocks,
    string? Provider,
    string? Model,
    string? Auth,
    UsageDetails? Usage,
    int? LatencyMs,
    int? FirstTokenMs,
    string? Error,
    bool InContext,
    DateTimeOffset CreatedAt)
{
    public static MessageView From(ConversationMessage m) => new(
        m.Id, m.ThreadId, m.Seq, m.Role.ToWire(), m.Status.ToWire(), BlockView.From(m.Contents), m.Provider, m.Model, m.AuthLabel,
        m.Usage, m.LatencyMs, m.FirstTokenMs, m.Error, m.InContext || m.Role == MessageRole.Summary, m.CreatedAt);
}

/// <param name="Type">text, reasoning, tool_call, tool_result, image, file, error.</param>
public sealed record BlockView(
    string Type,
    string? Text = null,
    string? CallId = null,
    string? Name = null,
    IDictionary<string, object?>? Arguments = null,
    object? Result = null,
    bool? IsError = null,
    string? MediaType = null,
    string? Uri = null)
{
    public static IReadOnlyList<BlockView> From(IList<AIContent> contents)
    {
        var blocks = new List<BlockView>(contents.Count);
        foreach (var c in contents)
        {
            switch (c)
            {
                case TextContent t:
                    blocks.Add(new BlockView("text", t.Text));
                    break;
                case TextReasoningContent r when r.Text.Length > 0:
                    blocks.Add(new BlockView("reasoning", r.Text));
                    break;
                case FunctionCallContent call:
                    blocks.Add(new BlockView("tool_call", CallId: call.CallId, Name: call.Name, Arguments: call.Arguments));
                    break;
                case FunctionResultContent result:
                    blocks.Add(new BlockView("tool_result", CallId: result.CallId, Result: result.Result,
                        Name: result.AdditionalProperties?.TryGetValue("tool", out var tool) == true ? tool?.ToString() : null,
                        IsError: result.AdditionalProperties?.ContainsKey("is_error") == true ? true : null));
                    break;
                case DataContent data:
                    blocks.Add(new BlockView(data.HasTopLevelMediaType("image") ? "image" : "file", MediaType: data.MediaType, Name: data.Name));
                    break;
                case UriContent uri:
                    blocks.Add(new BlockView("image", MediaType: uri.MediaType, Uri: uri.Uri.ToString()));
                    break;
                case ErrorContent error:
                    blocks.Add(new BlockView("error", error.Message));
                    break;
                default:
                    break;
            }
        }

        return blocks;
    }
}

public sealed record SessionRequest(
    string? Name,
    string? Auth,
    string? Model,
    string? WorkingDirectory,
    IReadOnlyList<string>? Tools,
    string? Approve,
    IReadOnlyDictionary<string, string>? ToolPolicies,
    string? SystemPrompt,
    IReadOnlyList<string>? Prompts,
    IReadOnlyList<string>? McpServers,
    float? Temperature,
    int? MaxOutputTokens,
    string? ReasoningEffort,
    int? RoundLimit,
    bool? AutoCompact,
    IReadOnlyList<string>? ShellEnvPassthrough = null,
    bool? ForceModel = null)
{
    public SessionSpec ToSpec() => new()
    {
        Name = Name,
        Auth = Auth,
        Model = Model,
        ForceModel = ForceModel ?? false,
        WorkingDirectory = WorkingDirectory,
        Tools = Tools,
        Approve = Approve,
        ToolPolicies = ToolPolicies,
        SystemPrompt = SystemPrompt,
        Prompts = Prompts,
        McpServers = McpServers,
        Temperature = Temperature,
        MaxOutputTokens = MaxOutputTokens,
        ReasoningEffort = ReasoningEffort,
        RoundLimit = RoundLimit,
        AutoCompact = AutoCompact,
        ShellEnvPassthrough = ShellEnvPassthrough,
    };
}

/// <param name="Attachments">Images and text files for the message (see <see cref="AttachmentRequest"/>).</param>
public sealed record TurnRequest(string? Text, IReadOnlyList<AttachmentRequest>? Attachments = null)
{
    public IList<Microsoft.Extensions.AI.AIContent>? Contents() => AttachmentRequest.ToContents(Attachments);
}

public sealed record TurnStartedView(Guid TurnId, Guid SessionId, Guid ThreadId, string EventsUrl);

public sealed record TurnView(Guid Id, string Status, int Rounds, UsageDetails? Usage, string? Error, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public static TurnView From(TurnRecord t) => new(t.Id, t.Status.ToWire(), t.Rounds, t.Usage, t.Error, t.StartedAt, t.FinishedAt);
}

public sealed record ApprovalView(Guid Id, Guid TurnId, string CallId, string Tool, System.Text.Json.JsonElement Arguments, string Status, string? Reason, DateTimeOffset CreatedAt)
{
    public static ApprovalView From(Approval a) => new(a.Id, a.TurnId, a.CallId, a.Tool, a.Arguments, a.Status.ToWire(), a.Reason, a.CreatedAt);
}

public sealed record DecisionRequest(string? Decision, string? Reason);

public sealed record EditRequest(string? Text);
