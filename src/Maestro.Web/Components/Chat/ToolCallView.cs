namespace Maestro.Web.Components.Chat;

/// <summary>One tool call as its card shows it.</summary>
/// <param name="Arguments">How the arguments read (a command, a diff, JSON); null on updates that only move the status.</param>
/// <param name="Status">queued, awaiting_approval, approved, running, done, error, denied, not_run.</param>
/// <param name="ApprovalNote">How an approval was decided (e.g. "Approved for this session"), when it was asked.</param>
public sealed record ToolCallView(
    string CallId,
    string Name,
    ToolArgumentsView? Arguments,
    string Status,
    string? Result = null,
    bool IsError = false,
    double? DurationMs = null,
    Guid? PendingApprovalId = null,
    string? ApprovalNote = null);
