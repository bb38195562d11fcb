using System.Text.Json;

namespace Maestro.Core.Conversations.Transfer;

/// <summary>One content block of an exported message.</summary>
/// <param name="Type">text, reasoning, tool_call, tool_result, image or file.</param>
/// <param name="Arguments">tool_call: the arguments object.</param>
/// <param name="Result">tool_result: the text the model was given.</param>
/// <param name="Approval">tool_result: approved, approved_session or denied, when the call needed a decision.</param>
/// <param name="Data">image/file: the bytes, base64.</param>
public sealed record ExportedBlock(
    string Type,
    string? Text = null,
    string? CallId = null,
    string? Name = null,
    JsonElement? Arguments = null,
    string? Result = null,
    bool? IsError = null,
    string? Approval = null,
    string? ApprovalReason = null,
    double? DurationMs = null,
    string? MediaType = null,
    string? FileName = null,
    string? Data = null);
