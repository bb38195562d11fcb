using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// The approval decision on a tool call, stored with its result (so a reload, an export and an import keep it):
/// the decision, the reason given with a denial, and whether the call was refused (by the user or the policy).
/// </summary>
/// <param name="Status">approved, approved_session or denied (<see cref="ApprovalStatusNames"/>).</param>
public sealed record ToolDecision(string Status, string? Reason)
{
    public const string StatusKey = "approval";
    public const string ReasonKey = "approval_reason";
    public const string DeniedKey = "denied";

    /// <summary>The decision stored on a result, if one was asked or the policy refused.</summary>
    public static ToolDecision? Of(FunctionResultContent? result)
    {
        if (result?.AdditionalProperties is not { } props || !props.TryGetValue(StatusKey, out var status) || Text(status) is not { } s)
        {
            return null;
        }

        return new ToolDecision(s, props.TryGetValue(ReasonKey, out var reason) ? Text(reason) : null);
    }

    /// <summary>Stores the decision on a result.</summary>
    public void ApplyTo(AdditionalPropertiesDictionary props)
    {
        props[StatusKey] = Status;
        if (Reason is not null)
        {
            props[ReasonKey] = Reason;
        }

        if (Status == ApprovalStatus.Denied.ToWire())
        {
            props[DeniedKey] = true;
        }
    }

    private static string? Text(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => null,
    };
}
