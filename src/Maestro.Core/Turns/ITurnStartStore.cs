using Maestro.Core.Auths;
using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// The database side of starting a turn, in two round trips: one read of everything the start checks, one transaction
/// that records it. A turn that cannot start leaves nothing behind.
/// </summary>
public interface ITurnStartStore
{
    /// <summary>The session (by name first, else by id), its auth with credentials, and the turn running in it.</summary>
    Task<TurnStartState?> LoadAsync(string nameOrId, CancellationToken cancellationToken);

    Task<TurnStartState?> LoadAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the thread (when the session has none yet), the running turn and the user's message; and in
    /// the same round trip the thread's messages, which the turn's first round is built from.
    /// </summary>
    /// <exception cref="Errors.ConflictException">Another turn is running in the session; nothing was written.</exception>
    /// <exception cref="Errors.NotFoundException">The session was deleted meanwhile; nothing was written.</exception>
    Task<BegunTurn> BeginAsync(TurnBegin begin, CancellationToken cancellationToken);
}

/// <summary>What a turn start reads: the session, its auth (null when deleted) and the turn running in it (if any).</summary>
public sealed record TurnStartState(Session Session, StoredAuth? Auth, TurnRecord? Running);

/// <param name="ThreadId">The session's current thread; null creates one and makes it current.</param>
/// <param name="UserContents">The user's message; null for a re-run of the thread's last message.</param>
public sealed record TurnBegin(Guid SessionId, Guid? ThreadId, string Owner, IList<AIContent>? UserContents);

/// <param name="Thread">
/// The thread's messages as the start's transaction left them, oldest first, so the first round needs no read of its own;
/// null when they could not be read with it (the first round then reads the thread itself and reports what is wrong).
/// </param>
public sealed record BegunTurn(TurnRecord Turn, Guid ThreadId, ConversationMessage? UserMessage, List<ConversationMessage>? Thread);
