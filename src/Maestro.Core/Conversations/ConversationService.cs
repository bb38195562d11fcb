using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations;

/// <summary>Threads of a session: new (clear), switch, fork from any message, edit and resubmit, retry, search.</summary>
public sealed class ConversationService(ISessionStore sessions, IConversationStore conversations, ITurnStore turns)
{
    public async Task<IReadOnlyList<ConversationMessage>> MessagesAsync(Session session, Guid? threadId, long? beforeSeq, int? limit, CancellationToken cancellationToken)
    {
        var thread = threadId ?? session.CurrentThreadId;
        if (thread is null)
        {
            return [];
        }

        await RequireThreadAsync(session, thread.Value, cancellationToken);
        return await conversations.ListMessagesAsync(thread.Value, beforeSeq, limit, cancellationToken);
    }

    public Task<IReadOnlyList<ConversationThread>> ThreadsAsync(Session session, CancellationToken cancellationToken) =>
        conversations.ListThreadsAsync(session.Id, cancellationToken);

    /// <summary>Starts a fresh thread; the old one stays in the history.</summary>
    public async Task<ConversationThread> NewThreadAsync(Session session, CancellationToken cancellationToken)
    {
        await RequireIdleAsync(session, cancellationToken);
        var thread = await conversations.CreateThreadAsync(session.Id, null, cancellationToken);
        await sessions.UpdateAsync(session with { CurrentThreadId = thread.Id }, cancellationToken);
        return thread;
    }

    public async Task<ConversationThread> SwitchThreadAsync(Session session, Guid threadId, CancellationToken cancellationToken)
    {
        await RequireIdleAsync(session, cancellationToken);
        var thread = await RequireThreadAsync(session, threadId, cancellationToken);
        await sessions.UpdateAsync(session with { CurrentThreadId = thread.Id }, cancellationToken);
        return thread;
    }

    /// <summary>A new thread holding the conversation up to and including the message; it becomes current.</summary>
    public async Task<ConversationThread> ForkAsync(Session session, Guid messageId, CancellationToken cancellationToken)
    {
        await RequireIdleAsync(session, cancellationToken);
        var thread = await conversations.ForkAsync(session.Id, messageId, cancellationToken);
        await sessions.UpdateAsync(session with { CurrentThreadId = thread.Id }, cancellationToken);
        return thread;
    }

    /// <summary>
    /// Replaces the text of the last user message and removes everything after it; the caller then runs a turn with
    /// <see cref="TurnInput.ResubmitLast"/>.
    /// </summary>
    public async Task<ConversationMessage> EditLastUserMessageAsync(Session session, string text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationFailedException("text", "The message is empty.");
        }

        var last = await PrepareResubmitAsync(session, cancellationToken);
        var contents = new List<AIContent> { new TextContent(text) };
        foreach (var c in last.Contents)
        {
            if (c is not TextContent)
            {
                contents.Add(c);
            }
        }

        await conversations.UpdateMessageAsync(last.Id, new MessageUpdate { Contents = contents }, cancellationToken);
        return last with { Contents = contents };
    }

    /// <summary>Removes the answer to the last user message so it can be asked again (the Retry button).</summary>
    public Task<ConversationMessage> PrepareRetryAsync(Session session, CancellationToken cancellationToken) =>
        PrepareResubmitAsync(session, cancellationToken);

    public Task<IReadOnlyList<ConversationMessage>> SearchAsync(Session session, string query, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(query)
            ? throw new ValidationFailedException("q", "The search text is empty.")
            : conversations.SearchAsync(session.Id, query, 100, cancellationToken);

    /// <summary>The last message the user wrote in the current thread, or null.</summary>
    public async Task<ConversationMessage?> LastUserMessageAsync(Session session, CancellationToken cancellationToken) =>
        (await LastExchangeAsync(session, cancellationToken)).Last;

    /// <summary>The messages a resubmit (retry, edit) removes: everything after the last user message.</summary>
    public async Task<IReadOnlyList<Guid>> AfterLastUserMessageAsync(Session session, CancellationToken cancellationToken)
    {
        var (last, messages) = await LastExchangeAsync(session, cancellationToken);
        return last is null ? [] : [.. messages.Where(m => m.Seq > last.Seq).Select(m => m.Id)];
    }

    /// <summary>One of the user's messages in this session.</summary>
    /// <exception cref="NotFoundException">No such message, not the user's, or in another session.</exception>
    public async Task<ConversationMessage> UserMessageAsync(Session session, Guid messageId, CancellationToken cancellationToken)
    {
        var message = await conversations.GetMessageAsync(messageId, cancellationToken);
        if (message is null || message.Role != MessageRole.User)
        {
            throw new NotFoundException("That message is no longer there.");
        }

        await RequireThreadAsync(session, message.ThreadId, cancellationToken);
        return message;
    }

    /// <summary>Whether a turn of the session is running (in any process).</summary>
    public async Task<bool> IsBusyAsync(Session session, CancellationToken cancellationToken) =>
        await turns.GetRunningAsync(session.Id, cancellationToken) is not null;

    private async Task<ConversationMessage> PrepareResubmitAsync(Session session, CancellationToken cancellationToken)
    {
        await RequireIdleAsync(session, cancellationToken);
        var thread = session.CurrentThreadId ?? throw new ValidationFailedException("session", "The session has no messages yet.");
        var last = (await LastExchangeAsync(session, cancellationToken)).Last
            ?? throw new ValidationFailedException("session", "There is no user message to resubmit in this thread.");
        await conversations.DeleteAfterAsync(thread, last.Seq, cancellationToken);
        return last;
    }

    private async Task<(ConversationMessage? Last, IReadOnlyList<ConversationMessage> Messages)> LastExchangeAsync(Session session, CancellationToken cancellationToken)
    {
        if (session.CurrentThreadId is not { } thread)
        {
            return (null, []);
        }

        var messages = await conversations.ListMessagesAsync(thread, null, 200, cancellationToken);
        return (messages.LastOrDefault(m => m.Role == MessageRole.User), messages);
    }

    private async Task<ConversationThread> RequireThreadAsync(Session session, Guid threadId, CancellationToken cancellationToken)
    {
        var thread = await conversations.GetThreadAsync(threadId, cancellationToken);
        return thread is null || thread.SessionId != session.Id
            ? throw new NotFoundException("That thread does not belong to this session.")
            : thread;
    }

    private async Task RequireIdleAsync(Session session, CancellationToken cancellationToken)
    {
        if (await IsBusyAsync(session, cancellationToken))
        {
            throw new ConflictException("A turn is running in this session; stop it or wait for it first.", "session");
        }
    }
}
