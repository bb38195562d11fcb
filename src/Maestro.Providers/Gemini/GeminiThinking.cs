using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>The <c>generationConfig.thinkingConfig</c> to send; every member null/false means "send none".</summary>
internal readonly record struct GeminiThinkingConfig(int? Budget, string? Level, bool IncludeThoughts);

/// <summary>
/// Maps <see cref="ReasoningOptions"/> to Gemini's thinking controls.
/// <list type="bullet">
/// <item>No <c>Reasoning</c>: no thinkingConfig (the model's own default: dynamic thinking, thoughts not returned).</item>
/// <item>Gemini 2.5: <c>thinkingBudget</c> — None → 0 (Pro cannot stop thinking: its minimum, 128), Low → 1,024,
/// Medium → 8,192, High/ExtraHigh → the family maximum (Pro 32,768, Flash and Flash-Lite 24,576).</item>
/// <item>Gemini 3+: <c>thinkingLevel</c> — None → "minimal" (Pro has no minimal: "low"), Low → "low",
/// Medium → "medium" (3.0 Pro accepts only low/high: "high"), High/ExtraHigh → "high".</item>
/// <item><c>includeThoughts</c> is sent true when reasoning is requested and <c>Output</c> is not None (thought
/// summaries are the only reasoning text Gemini returns, so Summary and Full both turn it on).</item>
/// <item>Models without thinking (2.0, Gemma, image/speech) get no thinkingConfig: Gemini rejects it there.</item>
/// </list>
/// </summary>
internal static class GeminiThinking
{
    public static GeminiThinkingConfig? For(GeminiModel model, ReasoningOptions? reasoning)
    {
        if (reasoning is null || model.Thinking == GeminiThinkingStyle.None)
        {
            return null;
        }

        var effort = reasoning.Effort;
        var include = reasoning.Output != ReasoningOutput.None && effort != ReasoningEffort.None;
        int? budget = null;
        string? level = null;
        if (effort is { } e)
        {
            if (model.Thinking == GeminiThinkingStyle.Level)
            {
                level = Level(model, e);
            }
            else
            {
                budget = Budget(model, e);
            }
        }

        return budget is null && level is null && !include ? null : new GeminiThinkingConfig(budget, level, include);
    }

    private static string Level(GeminiModel model, ReasoningEffort effort)
    {
        var pro = model.Tier == GeminiTier.Pro;
        return effort switch
        {
            ReasoningEffort.None => pro ? "low" : "minimal",
            ReasoningEffort.Low => "low",
            ReasoningEffort.Medium => pro && model.Version == 3m ? "high" : "medium",
            _ => "high",
        };
    }

    private static int Budget(GeminiModel model, ReasoningEffort effort)
    {
        var pro = model.Tier == GeminiTier.Pro;
        return effort switch
        {
            ReasoningEffort.None => pro ? 128 : 0,
            ReasoningEffort.Low => 1024,
            ReasoningEffort.Medium => 8192,
            _ => pro ? 32768 : 24576,
        };
    }
}
