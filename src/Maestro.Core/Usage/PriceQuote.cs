namespace Maestro.Core.Usage;

/// <summary>The price a model is charged at and where it comes from.</summary>
/// <param name="Source"><see cref="PriceSources"/>: built-in (with the date checked), the price file, or the settings.</param>
public sealed record PriceQuote(string Model, ModelPrice Price, string Source, DateOnly? Checked = null);

public static class PriceSources
{
    public const string BuiltIn = "built-in";
    public const string File = "file";
    public const string Settings = "settings";
}
