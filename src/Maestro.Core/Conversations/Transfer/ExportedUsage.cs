namespace Maestro.Core.Conversations.Transfer;

/// <summary>Token counts the provider reported for one answer.</summary>
public sealed record ExportedUsage(
    long? InputTokens = null, long? OutputTokens = null, long? CachedInputTokens = null, long? ReasoningTokens = null, long? TotalTokens = null);
