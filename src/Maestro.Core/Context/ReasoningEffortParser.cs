using Microsoft.Extensions.AI;

namespace Maestro.Core.Context;

/// <summary>Reads a reasoning effort as users type it (none, low, medium, high, xhigh).</summary>
public static class ReasoningEffortParser
{
    public const string Allowed = "none, low, medium, high, xhigh";

    public static ReasoningEffort? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "none" => ReasoningEffort.None,
        "low" => ReasoningEffort.Low,
        "medium" => ReasoningEffort.Medium,
        "high" => ReasoningEffort.High,
        "xhigh" or "extra_high" or "extrahigh" => ReasoningEffort.ExtraHigh,
        _ => null,
    };

    public static bool IsValid(string? value) => string.IsNullOrWhiteSpace(value) || Parse(value) is not null;
}
