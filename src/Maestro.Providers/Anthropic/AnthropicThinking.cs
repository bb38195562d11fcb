using Maestro.Core.Errors;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// The thinking settings of one request, from <see cref="ChatOptions.Reasoning"/>: a token budget below max_tokens for
/// models that take budgets, or adaptive thinking with an effort level for the models where budgets are deprecated.
/// </summary>
internal readonly record struct AnthropicThinking(AnthropicThinkingStyle Style, int BudgetTokens, string? Effort)
{
    /// <summary>The API's smallest accepted thinking budget.</summary>
    public const int MinBudget = 1024;

    /// <summary>Null when no thinking is asked for (or the model cannot think).</summary>
    public static AnthropicThinking? Resolve(string model, ReasoningOptions? reasoning, int maxTokens)
    {
        // Asking for reasoning output without an effort means "think, at the usual depth".
        var effort = reasoning?.Effort ?? (reasoning?.Output is ReasoningOutput.Summary or ReasoningOutput.Full ? ReasoningEffort.Medium : null);
        if (effort is null or ReasoningEffort.None)
        {
            return null;
        }

        var family = AnthropicModels.Find(model);
        var style = AnthropicModels.ThinkingStyle(model);
        switch (style)
        {
            case AnthropicThinkingStyle.Adaptive:
                return new AnthropicThinking(style, 0, effort switch
                {
                    ReasoningEffort.Low => "low",
                    ReasoningEffort.Medium => "medium",
                    ReasoningEffort.ExtraHigh when family?.MaxEffort == true => "max",
                    _ => "high",
                });
            case AnthropicThinkingStyle.Budget:
                // The budget counts against max_tokens; keep at least a quarter (and 1024 tokens) for the answer.
                var cap = maxTokens - Math.Max(MinBudget, maxTokens / 4);
                if (cap < MinBudget)
                {
                    throw new ValidationFailedException(
                        "max_output_tokens",
                        $"Reasoning on {model} needs max_output_tokens of at least {2 * MinBudget}: the thinking budget is at least {MinBudget} tokens and counts against it.");
                }

                var wanted = effort switch
                {
                    ReasoningEffort.Low => 4096,
                    ReasoningEffort.Medium => 10_000,
                    ReasoningEffort.High => 24_000,
                    _ => 32_000,
                };
                return new AnthropicThinking(style, Math.Min(wanted, cap), null);
            default:
                return null;
        }
    }
}
