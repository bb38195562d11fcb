namespace Maestro.Core.Usage;

/// <summary>US$ per million tokens of one model.</summary>
/// <param name="CachedInput">Input read from the prompt cache; null: billed as input.</param>
/// <param name="CacheWrite">Input written to the prompt cache; null: billed as input.</param>
/// <param name="Reasoning">Reasoning (thinking) tokens, which every provider counts in the output; null: billed as output.</param>
/// <param name="LongContext">Dearer prices for calls with long prompts (Gemini Pro above 200k input tokens); null: one price for every prompt size.</param>
public sealed record ModelPrice(
    decimal Input,
    decimal Output,
    decimal? CachedInput = null,
    decimal? CacheWrite = null,
    decimal? Reasoning = null,
    LongContextPrice? LongContext = null)
{
    /// <summary>The prices a call with <paramref name="promptTokens"/> input tokens (cache reads and writes included) is billed at.</summary>
    public ModelPrice For(long promptTokens) =>
        LongContext is { } tier && promptTokens > tier.Above ? tier.ToModelPrice() : this;
}
