using Maestro.Core.Conversations;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Context;

/// <param name="Source">The stored messages the context was built from.</param>
/// <param name="EstimatedTokens">A character-based estimate (about 4 characters a token).</param>
public sealed record AssembledContext(List<ChatMessage> Messages, ChatOptions Options, IReadOnlyList<ConversationMessage> Source, int EstimatedTokens);
