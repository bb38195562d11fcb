namespace Maestro.Core.Usage;

/// <summary>
/// A provider's built-in prices (kept in one file in the provider's folder), keyed by model id without a snapshot date:
/// an entry for <c>claude-sonnet-4-5</c> prices <c>claude-sonnet-4-5-20250929</c> too.
/// </summary>
/// <param name="Checked">The day the prices were last compared with the provider's price page.</param>
/// <param name="Source">Where they were read (the provider's price page).</param>
public sealed record PriceList(DateOnly Checked, string Source, IReadOnlyDictionary<string, ModelPrice> Models)
{
    public static PriceList Empty { get; } = new(default, "", new Dictionary<string, ModelPrice>(StringComparer.Ordinal));
}
