using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations.Transfer;

/// <summary>A message read from an export, stored as it was (its model, usage, time and whether it was in the context).</summary>
public sealed record ImportedMessage(
    MessageRole Role,
    IList<AIContent> Contents,
    MessageStatus Status,
    string? Provider,
    string? Model,
    string? AuthLabel,
    UsageDetails? Usage,
    int? LatencyMs,
    int? FirstTokenMs,
    string? Error,
    bool InContext,
    DateTimeOffset CreatedAt);
