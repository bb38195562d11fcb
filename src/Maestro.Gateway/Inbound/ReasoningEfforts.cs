using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Inbound;

/// <summary>Effort names of every API (OpenAI's minimal…xhigh, Anthropic's low…max, Gemini's thinking levels) in M.E.AI terms.</summary>
internal static class ReasoningEfforts
{
    public static ReasoningEffort? Parse(string? effort, string path) => effort switch
    {
        null => null,
        "none" => ReasoningEffort.None,
        "minimal" or "low" => ReasoningEffort.Low,
        "medium" => ReasoningEffort.Medium,
        "high" => ReasoningEffort.High,
        "xhigh" or "max" => ReasoningEffort.ExtraHigh,
        _ => throw new ClientRequestException(path, $"'{effort}' is not a reasoning effort; use none, minimal, low, medium, high or xhigh."),
    };

    /// <summary>A thinking budget in tokens as an effort: the budgets Maestro's adapters ask for per effort, read back.</summary>
    public static ReasoningEffort FromBudget(int budget) => budget switch
    {
        <= 0 => ReasoningEffort.None,
        <= 4096 => ReasoningEffort.Low,
        <= 12_000 => ReasoningEffort.Medium,
        <= 24_000 => ReasoningEffort.High,
        _ => ReasoningEffort.ExtraHigh,
    };

    public static string ToOpenAI(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => "none",
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        ReasoningEffort.High => "high",
        _ => "xhigh",
    };
}
