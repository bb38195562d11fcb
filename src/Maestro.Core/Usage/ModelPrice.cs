namespace Maestro.Core.Usage;

/// <summary>US$ per million tokens of one model.</summary>
/// <param name="CachedInput">Input read from the prompt cache; null: billed as input.</param>
/// <param name="CacheWrite">Input written to the prompt cache; null: billed as input.</param>
/// <param name="Reasoning">Reasoning (thinking) tokens, which every provider counts in the output; null: billed as output.</param>
public sealed record ModelPrice(decimal Input, decimal Output, decimal? CachedInput = null, decimal? CacheWrite = null, decimal? Reasoning = null);
