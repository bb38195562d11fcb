using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations;

/// <summary>
/// One stored message: its content blocks (M.E.AI contents), and for assistant messages which provider, model and auth
/// produced it, with usage and latency. A message removed from the context stays for history (ExcludedAt).
/// </summary>
public sealed record ConversationMessage(
    Guid Id,
    Guid ThreadId,
    long Seq,
    MessageRole Role,
    IList<AIContent> Contents,
    MessageStatus Status,
    Guid? TurnId,
    string? Provider,
    string? Model,
    Guid? AuthId,
    string? AuthLabel,
    UsageDetails? Usage,
    int? LatencyMs,
    int? FirstTokenMs,
    string? Error,
    DateTimeOffset? ExcludedAt,
    Guid? SummaryId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool InContext => ExcludedAt is null && SummaryId is null;

    /// <summary>The message's visible text (text blocks joined).</summary>
    public string Text => string.Concat(Contents.OfType<TextContent>().Select(t => t.Text));
}

public enum MessageRole
{
    User,
    Assistant,
    /// <summary>Tool results, answering the previous assistant message's calls.</summary>
    Tool,
    /// <summary>A compaction summary of earlier messages; given to the model with the system prompt.</summary>
    Summary,
}

public enum MessageStatus
{
    Complete,
    /// <summary>Being written by a running turn (its content is the part persisted so far).</summary>
    Streaming,
    /// <summary>The turn stopped before the answer ended (crash, lost connection); the partial text is kept.</summary>
    Interrupted,
    Error,
    Cancelled,
}

public static class MessageNames
{
    public static string ToWire(this MessageRole role) => role switch
    {
        MessageRole.User => "user",
        MessageRole.Assistant => "assistant",
        MessageRole.Tool => "tool",
        _ => "summary",
    };

    public static MessageRole ParseRole(string value) => value switch
    {
        "user" => MessageRole.User,
        "assistant" => MessageRole.Assistant,
        "tool" => MessageRole.Tool,
        "summary" => MessageRole.Summary,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown message role."),
    };

    public static string ToWire(this MessageStatus status) => status switch
    {
        MessageStatus.Complete => "complete",
        MessageStatus.Streaming => "streaming",
        MessageStatus.Interrupted => "interrupted",
        MessageStatus.Error => "error",
        _ => "cancelled",
    };

    public static MessageStatus ParseStatus(string value) => value switch
    {
        "complete" => MessageStatus.Complete,
        "streaming" => MessageStatus.Streaming,
        "interrupted" => MessageStatus.Interrupted,
        "error" => MessageStatus.Error,
        "cancelled" => MessageStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown message status."),
    };
}
