namespace Maestro.Core.Conversations.Transfer;

/// <param name="Role">user, assistant, tool or summary.</param>
/// <param name="Status">complete, interrupted, error or cancelled.</param>
/// <param name="InContext">False when the message was removed from the model's context (kept for history).</param>
public sealed record ExportedMessage(
    string Role,
    string Status,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ExportedBlock> Blocks,
    string? Provider = null,
    string? Model = null,
    string? Auth = null,
    ExportedUsage? Usage = null,
    int? LatencyMs = null,
    int? FirstTokenMs = null,
    string? Error = null,
    bool InContext = true);
