using System.Globalization;
using Maestro.Core.Context;
using Spectre.Console;

namespace Maestro.Cli.Output;

public static class ContextTable
{
    public static void Write(IAnsiConsole console, ContextReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Chunk", "Role", "Kind", "Chars", "~Tokens", "Preview");
        foreach (var c in report.Chunks)
        {
            table.AddRow(ShortIds.Of(c.Id), c.Role, c.Kind, c.Chars.ToString("N0", CultureInfo.InvariantCulture),
                c.Tokens.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(c.Preview));
        }

        console.Write(table);
        console.MarkupLine($"~{report.TotalTokens:N0} tokens (system prompt ~{report.InstructionTokens:N0}, {report.ToolCount} tools ~{report.ToolTokens:N0}) of a {report.ContextWindow:N0}-token window: {report.PercentOfWindow:0.#}%.");
        console.MarkupLine(report.Calibration is { } cal
            ? $"[grey]Calibrated: the last answer's input was {cal.ReportedInputTokens:N0} tokens by the provider's count where the estimate was {cal.EstimatedTokens:N0} (x{cal.Factor:0.##}).[/]"
            : "[grey]Estimated at about 4 characters a token; the next answer's reported input calibrates it.[/]");
    }
}
