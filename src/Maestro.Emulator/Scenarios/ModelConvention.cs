using System.Globalization;

namespace Maestro.Emulator.Scenarios;

/// <summary>
/// Model names that choose a scenario, so any client (e.g. <c>maestro chat --model synthetic:500@50</c>) can drive the
/// emulator: <c>fixture:&lt;name&gt;[@&lt;rate&gt;]</c>, <c>synthetic:&lt;tokens&gt;[@&lt;rate&gt;]</c>, <c>fault:&lt;kind&gt;[:&lt;arg&gt;]</c>.
/// </summary>
internal abstract record ModelConvention
{
    public const string FixturePrefix = "fixture:";
    public const string SyntheticPrefix = "synthetic:";
    public const string FaultPrefix = "fault:";

    /// <summary>Null when the model follows no convention; an <see cref="Invalid"/> when it starts like one but is malformed.</summary>
    public static ModelConvention? Parse(string model)
    {
        if (model.StartsWith(FixturePrefix, StringComparison.Ordinal))
        {
            var (name, rate, error) = SplitRate(model[FixturePrefix.Length..]);
            return error is not null ? new Invalid(model, error)
                : name.Length == 0 ? new Invalid(model, "fixture:<name> needs a fixture name.")
                : new Fixture(name, rate);
        }

        if (model.StartsWith(SyntheticPrefix, StringComparison.Ordinal))
        {
            var (count, rate, error) = SplitRate(model[SyntheticPrefix.Length..]);
            if (error is not null)
            {
                return new Invalid(model, error);
            }

            return int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens)
                ? new Synthetic(tokens, rate)
                : new Invalid(model, "synthetic:<tokens>[@<rate>] needs a whole number of tokens.");
        }

        if (model.StartsWith(FaultPrefix, StringComparison.Ordinal))
        {
            return EmulatorFault.TryParse(model[FaultPrefix.Length..], out var fault, out var error)
                ? new Fault(fault)
                : new Invalid(model, error);
        }

        return null;
    }

    private static (string Head, double? Rate, string? Error) SplitRate(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return (text, null, null);
        }

        return double.TryParse(text.AsSpan(at + 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
            ? (text[..at], rate, null)
            : (text, null, $"'{text[(at + 1)..]}' after '@' must be a rate in tokens per second.");
    }

    public sealed record Fixture(string Name, double? Rate) : ModelConvention;

    public sealed record Synthetic(int Tokens, double? Rate) : ModelConvention;

    public sealed record Fault(EmulatorFault Value) : ModelConvention;

    public sealed record Invalid(string Model, string Message) : ModelConvention;
}
