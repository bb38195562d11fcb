using System.Globalization;
using Maestro.Core.Usage;
using Spectre.Console;

namespace Maestro.Cli.Output;

public static class UsageTable
{
    public static void Write(IAnsiConsole console, UsageReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Model", "Answers", "Input", "Cached", "Output", "Reasoning", "Cost");
        foreach (var m in report.ByModel)
        {
            table.AddRow(Markup.Escape(m.Model), N(m.Messages), N(m.InputTokens), N(m.CachedInputTokens), N(m.OutputTokens), N(m.ReasoningTokens),
                m.Cost is { } cost ? cost.ToString("$0.0000", CultureInfo.InvariantCulture) : "—");
        }

        console.Write(table);
        var total = report.Cost is { } c ? $", about {c.ToString("$0.00", CultureInfo.InvariantCulture)}" : " (no price known for these models: save one in Settings or in MAESTRO_PRICES)";
        console.MarkupLine($"{Markup.Escape(report.Scope)}: {report.InputTokens:N0} input and {report.OutputTokens:N0} output tokens{Markup.Escape(total)}.");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
