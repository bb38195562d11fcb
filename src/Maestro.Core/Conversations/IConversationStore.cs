using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations;

/// <summary>Threads and messages. Appending and updating touch one message row at a time.</summary>
public interface IConversationStore
{
    Task<ConversationThread> CreateThreadAsync(Guid sessionId, string? title, CancellationToken cancellationToken);

    Task<IReadOnlyList<ConversationThread>> ListThreadsAsync(Guid sessionId, CancellationToken cancellationToken);

    Task<ConversationThread?> GetThreadAsync(Guid threadId, CancellationToken cancellationToken);

    /// <summary>Messages of a thread in order. <paramref name="beforeSeq"/>/<paramref name="limit"/> page backwards (newest last).</summary>
    Task<IReadOnlyList<ConversationMessage>> ListMessagesAsync(Guid threadId, long? beforeSeq, int? limit, CancellationToken cancellationToken);

    /// <summary>Every message of a thread after <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<ConversationMessage>> ListMessagesAfterAsync(Guid threadId, long afterSeq, CancellationToken cancellationToken);

    Task<ConversationMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken);

    /// <summary>Appends a message at the end of the thread.</summary>
    Task<ConversationMessage> AppendAsync(NewMessage message, CancellationToken cancellationToken);

    /// <summary>Rewrites one message's content and outcome (partial saves while streaming, then the final state).</summary>
    Task UpdateMessageAsync(Guid messageId, MessageUpdate update, CancellationToken cancellationToken);

    /// <summary>Marks messages as removed from the model's context (they stay in history).</summary>
    Task<int> ExcludeAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken);

    /// <summary>Marks messages as folded into a summary message.</summary>
    Task SummarizeAsync(IReadOnlyCollection<Guid> messageIds, Guid summaryId, CancellationToken cancellationToken);

    /// <summary>Deletes every message of the thread after <paramref name="seq"/> (edit and resubmit).</summary>
    Task<int> DeleteAfterAsync(Guid threadId, long seq, CancellationToken cancellationToken);

    /// <summary>A new thread with copies of the messages up to and including <paramref name="messageId"/>.</summary>
    Task<ConversationThread> ForkAsync(Guid sessionId, Guid messageId, CancellationToken cancellationToken);

    /// <summary>Full-text search over a session's messages (every thread).</summary>
    Task<IReadOnlyList<ConversationMessage>> SearchAsync(Guid sessionId, string query, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A new thread of the session holding these messages, made the session's current thread: all of it in one
    /// transaction (an import is never half-written).
    /// </summary>
    Task<ConversationThread> ImportThreadAsync(Guid sessionId, string? title, IReadOnlyList<Transfer.ImportedMessage> messages, CancellationToken cancellationToken);

    /// <summary>Marks messages left 'streaming' by turns that are no longer running as interrupted (after a crash).</summary>
    Task<int> InterruptOrphansAsync(CancellationToken cancellationToken);
}

public sealed record NewMessage(
    Guid ThreadId,
    MessageRole Role,
    IList<AIContent> Contents,
    MessageStatus Status,
    Guid? TurnId = null,
    string? Provider = null,
    string? Model = null,
    Guid? AuthId = null,
    string? AuthLabel = null,
    Guid? Id = null);

public sealed record MessageUpdate
{
    public IList<AIContent>? Contents { get; init; }

    public MessageStatus? Status { get; init; }

    public UsageDetails? Usage { get; init; }

    public int? LatencyMs { get; init; }

    public int? FirstTokenMs { get; init; }

    public string? Error { get; init; }
}
