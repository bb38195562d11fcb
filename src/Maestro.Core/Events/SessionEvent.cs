using Maestro.Core.Chat;
using Maestro.Core.Conversations;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Events;

/// <summary>
/// Something that happened in a session, as every viewer (UI tabs, REST clients, `maestro attach`, other Maestro
/// instances) receives it. <see cref="Type"/> says which member is set. <see cref="Id"/> increases over a session's
/// life, so a client that reconnects asks for what came after the last id it saw.
/// </summary>
public sealed record SessionEvent
{
    /// <summary>Stamped by the hub when the event is published (set in place: publishing is per token and must not copy).</summary>
    [System.Text.Json.Serialization.JsonInclude]
    public long Id { get; internal set; }

    public required Guid SessionId { get; init; }

    public required string Type { get; init; }

    public Guid? TurnId { get; init; }

    public Guid? MessageId { get; init; }

    [System.Text.Json.Serialization.JsonInclude]
    public DateTimeOffset At { get; internal set; }

    /// <summary>"delta": one normalized stream event of the message being written.</summary>
    public StreamEvent? Delta { get; init; }

    /// <summary>"message_started", "message_finished".</summary>
    public MessageInfo? Message { get; init; }

    /// <summary>"tool_started", "tool_finished".</summary>
    public ToolActivity? Tool { get; init; }

    /// <summary>"approval_requested", "approval_resolved".</summary>
    public ApprovalInfo? Approval { get; init; }

    /// <summary>"turn_started", "turn_finished".</summary>
    public TurnInfo? Turn { get; init; }

    /// <summary>"notice" (e.g. round limit reached), "context_compacted", "session_changed".</summary>
    public string? Notice { get; init; }

    /// <summary>
    /// Consecutive text deltas of one message as one delta: the first one's offset, the last one's id (it reflects all
    /// of them). For a viewer that fell behind, and for carrying a stream to other instances.
    /// </summary>
    public static SessionEvent TextRun(SessionEvent first, SessionEvent last, string text) => new()
    {
        Id = last.Id,
        SessionId = first.SessionId,
        Type = SessionEventTypes.Delta,
        TurnId = first.TurnId,
        MessageId = first.MessageId,
        At = last.At,
        Delta = first.Delta! with { Text = text },
    };
}

public static class SessionEventTypes
{
    public const string TurnStarted = "turn_started";
    public const string MessageStarted = "message_started";
    public const string Delta = "delta";
    public const string MessageFinished = "message_finished";
    public const string ToolStarted = "tool_started";
    public const string ToolFinished = "tool_finished";
    public const string ApprovalRequested = "approval_requested";
    public const string ApprovalResolved = "approval_resolved";
    public const string TurnFinished = "turn_finished";
    public const string Notice = "notice";
    public const string ContextCompacted = "context_compacted";
    public const string SessionChanged = "session_changed";

    /// <summary>Keep-alive for a quiet network viewer; never published, never stored.</summary>
    public const string Ping = "ping";
}

/// <param name="Text">For user messages (and finished assistant messages), the text.</param>
public sealed record MessageInfo(
    string Role,
    string Status,
    int Round,
    string? Provider = null,
    string? Model = null,
    string? Auth = null,
    UsageDetails? Usage = null,
    int? LatencyMs = null,
    int? FirstTokenMs = null,
    string? Error = null,
    string? Text = null,
    IReadOnlyList<string>? Attachments = null)
{
    public static MessageInfo From(ConversationMessage m, int round) => new(
        m.Role.ToWire(), m.Status.ToWire(), round, m.Provider, m.Model, m.AuthLabel, m.Usage, m.LatencyMs, m.FirstTokenMs, m.Error,
        m.Role == MessageRole.User ? m.Text : null,
        m.Role == MessageRole.User ? Conversations.Attachments.AttachedFiles.DescribeAll(m.Contents) : null);
}

/// <param name="Result">The result text the model received (tool_finished), possibly truncated for display.</param>
public sealed record ToolActivity(
    string CallId,
    string Name,
    IDictionary<string, object?>? Arguments,
    string Status,
    string? Summary = null,
    string? Result = null,
    bool IsError = false,
    double? DurationMs = null);

public sealed record ApprovalInfo(
    Guid ApprovalId,
    string CallId,
    string Tool,
    IDictionary<string, object?>? Arguments,
    string Status,
    string? Reason = null);

public sealed record TurnInfo(string Status, int Rounds, string? Input = null, string? Error = null, UsageDetails? Usage = null);
