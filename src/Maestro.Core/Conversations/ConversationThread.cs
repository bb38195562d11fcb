namespace Maestro.Core.Conversations;

/// <param name="MessageCount">Messages in the thread (for history lists).</param>
public sealed record ConversationThread(Guid Id, Guid SessionId, string? Title, Guid? ForkedFromMessageId, int MessageCount, DateTimeOffset CreatedAt);
