using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Wire;

namespace Maestro.Emulator.Scenarios;

/// <summary>Turns a scripted response or a synthetic-answer request into an <see cref="AnswerPlan"/>.</summary>
internal static class AnswerPlanner
{
    public static AnswerPlan FromScript(ScriptedResponse script, ChatRequest request)
    {
        var reasoning = TextTokens.Split(script.Reasoning);
        var text = TextTokens.Split(script.Text);
        var calls = (script.ToolCalls ?? []).Select(ToPlanned).ToList();

        var toolTokens = calls.Sum(c => (c.ArgumentsJson.Length + 3) / 4 + 1);
        var usage = script.Usage;
        var reasoningTokens = usage?.ReasoningTokens ?? reasoning.Count;
        var answer = new AnswerUsage(
            InputTokens: usage?.InputTokens ?? request.EstimatedInputTokens,
            OutputTokens: usage?.OutputTokens ?? reasoningTokens + text.Count + toolTokens,
            CachedTokens: usage?.CachedTokens ?? 0,
            ReasoningTokens: reasoningTokens);

        return new AnswerPlan(reasoning, text, calls, answer, ParseFinish(script.Finish, calls.Count > 0), script.StopSequence);
    }

    /// <summary>
    /// A synthetic answer of exactly <paramref name="tokens"/> text tokens. When the request asks for reasoning output
    /// (thinking, summaries, thoughts) a short reasoning text comes first and is counted as reasoning tokens.
    /// </summary>
    public static AnswerPlan Synthetic(int tokens, ChatRequest request)
    {
        var reasoning = request.WantsReasoning ? SyntheticText.Reasoning(tokens) : [];
        var text = SyntheticText.Tokens(request.Provider, request.Model, request.LastUserText, tokens);
        var usage = new AnswerUsage(request.EstimatedInputTokens, text.Count + reasoning.Count, 0, reasoning.Count);
        return new AnswerPlan(reasoning, text, [], usage, AnswerFinish.Stop, null);
    }

    public static bool IsKnownFinish(string? finish) =>
        finish is null or "stop" or "length" or "tool_calls" or "content_filter";

    private static AnswerFinish ParseFinish(string? finish, bool hasToolCalls) => finish switch
    {
        "stop" => AnswerFinish.Stop,
        "length" => AnswerFinish.Length,
        "tool_calls" => AnswerFinish.ToolCalls,
        "content_filter" => AnswerFinish.ContentFilter,
        _ => hasToolCalls ? AnswerFinish.ToolCalls : AnswerFinish.Stop,
    };

    private static PlannedToolCall ToPlanned(ScriptedToolCall call)
    {
        var json = call.Arguments is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } arguments
            ? WireJson.Compact(arguments)
            : "{}";
        return new PlannedToolCall(call.Id, call.Name, json, TextTokens.Fragments(json));
    }
}
