namespace Maestro.Emulator.Scenarios;

/// <summary>
/// A provider-neutral answer, already cut into the pieces each delta event carries. Every provider renderer turns
/// the same plan into its own wire format, so a script or a synthetic answer looks alike on all four APIs.
/// </summary>
internal sealed record AnswerPlan(
    IReadOnlyList<string> ReasoningTokens,
    IReadOnlyList<string> TextTokens,
    IReadOnlyList<PlannedToolCall> ToolCalls,
    AnswerUsage Usage,
    AnswerFinish Finish,
    string? StopSequence)
{
    public string ReasoningText => string.Concat(ReasoningTokens);

    public string Text => string.Concat(TextTokens);

    public bool HasReasoning => ReasoningTokens.Count > 0;
}

internal enum AnswerFinish
{
    Stop,
    Length,
    ToolCalls,
    ContentFilter,
}

/// <param name="Id">The scripted id, or null to let the renderer generate one in its provider's style.</param>
/// <param name="ArgumentsJson">Compact JSON object text.</param>
/// <param name="ArgumentChunks">The same text split into the fragments streamed as argument deltas.</param>
internal sealed record PlannedToolCall(string? Id, string Name, string ArgumentsJson, IReadOnlyList<string> ArgumentChunks);

/// <param name="OutputTokens">All output tokens, reasoning included.</param>
/// <param name="CachedTokens">Part of <paramref name="InputTokens"/> read from the prompt cache.</param>
internal sealed record AnswerUsage(int InputTokens, int OutputTokens, int CachedTokens, int ReasoningTokens)
{
    /// <summary>Output tokens that are not reasoning (Gemini's candidatesTokenCount).</summary>
    public int VisibleOutputTokens => Math.Max(0, OutputTokens - ReasoningTokens);
}
