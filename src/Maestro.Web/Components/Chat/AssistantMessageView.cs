using Microsoft.Extensions.AI;

namespace Maestro.Web.Components.Chat;

/// <summary>An assistant message as the chat shows it: Markdown already rendered to safe HTML.</summary>
/// <param name="Status">complete, streaming, interrupted, error, cancelled.</param>
public sealed record AssistantMessageView(
    Guid Id,
    string Status,
    string? Model,
    string? Auth,
    string Reasoning,
    string Html,
    IReadOnlyList<ToolCallView> Calls,
    UsageDetails? Usage,
    int? LatencyMs,
    int? FirstTokenMs,
    string? Error,
    bool InContext,
    DateTimeOffset CreatedAt);
