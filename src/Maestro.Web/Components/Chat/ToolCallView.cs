namespace Maestro.Web.Components.Chat;

/// <summary>One tool call as its card shows it.</summary>
/// <param name="Status">queued, awaiting_approval, running, done, error, not_run.</param>
/// <param name="ApprovalNote">How an approval was decided (e.g. "Approved for this session"), when it was asked.</param>
public sealed record ToolCallView(
    string CallId,
    string Name,
    string ArgumentsJson,
    string Status,
    string? Result = null,
    bool IsError = false,
    double? DurationMs = null,
    Guid? PendingApprovalId = null,
    string? ApprovalNote = null);
