namespace Maestro.Core.Usage;

/// <summary>
/// The prices of a call whose prompt is longer than <paramref name="Above"/> input tokens (cache reads and writes
/// included). Providers bill the whole call at them — every input and output token, not only those past the threshold.
/// </summary>
/// <param name="CachedInput">null: billed as this tier's input.</param>
/// <param name="CacheWrite">null: billed as this tier's input.</param>
/// <param name="Reasoning">null: billed as this tier's output.</param>
public sealed record LongContextPrice(
    long Above,
    decimal Input,
    decimal Output,
    decimal? CachedInput = null,
    decimal? CacheWrite = null,
    decimal? Reasoning = null)
{
    /// <summary>This tier as a flat price.</summary>
    public ModelPrice ToModelPrice() => new(Input, Output, CachedInput, CacheWrite, Reasoning);
}
