using System.Globalization;
using Maestro.Core.Conversations;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace Maestro.Cli.Output;

/// <summary>Prints stored messages the way the live stream shows them.</summary>
public static class HistoryWriter
{
    public static void Write(IAnsiConsole console, ConversationMessage m)
    {
        var when = m.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var removed = m.InContext || m.Role == MessageRole.Summary ? "" : " [grey](removed from context)[/]";
        var header = m.Role switch
        {
            MessageRole.User => $"[bold blue]› user[/] [grey]{when} · {m.Id}[/]{removed}",
            MessageRole.Assistant => $"[bold]assistant[/] [grey]{when} · {Markup.Escape(m.Model ?? "")} · {m.Id}[/]{removed}",
            MessageRole.Tool => $"[bold]tool results[/] [grey]{when} · {m.Id}[/]{removed}",
            _ => $"[bold yellow]summary[/] [grey]{when} · {m.Id}[/]",
        };
        console.MarkupLine(header);
        foreach (var c in m.Contents)
        {
            switch (c)
            {
                case TextContent t:
                    console.WriteLine(t.Text);
                    break;
                case FunctionCallContent call:
                    console.MarkupLine($"[blue]⚙ {Markup.Escape(call.Name)}[/][grey]({Markup.Escape(SessionEventPrinter.Arguments(call.Arguments))})[/]");
                    break;
                case FunctionResultContent r:
                    var text = r.Result?.ToString() ?? "";
                    console.MarkupLine($"  [grey]{Markup.Escape(text.Length > 300 ? text[..300] + "…" : text)}[/]");
                    break;
                default:
                    break;
            }
        }

        if (m.Status is MessageStatus.Interrupted or MessageStatus.Error or MessageStatus.Cancelled)
        {
            console.MarkupLine($"[red]({m.Status.ToWire()}{(m.Error is { } e ? ": " + Markup.Escape(e) : "")})[/]");
        }

        console.WriteLine();
    }
}
