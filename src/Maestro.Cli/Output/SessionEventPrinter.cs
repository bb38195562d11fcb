using System.Text.Json;
using Maestro.Cli.Output.Markdown;
using Maestro.Core.Events;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace Maestro.Cli.Output;

/// <summary>
/// Shows a session's events in a terminal: the answer as it streams, reasoning dimmed, each tool call with its outcome,
/// approvals, notices, and a usage line when the turn ends. With --json, one event per line instead.
/// </summary>
public sealed class SessionEventPrinter(IAnsiConsole console, TextWriter stdout, TextWriter stderr, bool json, bool terminal)
{
    private readonly HashSet<string> _startedCalls = new(StringComparer.Ordinal);
    private readonly UsageDetails _usage = new();
    private bool _midLine;
    private bool _inReasoning;
    private bool _inText;
    private string? _model;

    /// <summary>Set when a turn finished: its status ("completed", "failed", "cancelled", "interrupted").</summary>
    public string? FinishedStatus { get; private set; }

    public string? FinishedError { get; private set; }

    /// <summary>Approvals this process answers itself are not announced twice.</summary>
    public bool AnswersApprovals { get; init; }

    /// <summary>False where the user's input is already on screen (the REPL's editor shows it).</summary>
    public bool EchoesInput { get; init; } = true;

    /// <summary>On a terminal (the REPL): each finished answer is shown again as rendered Markdown in place of its raw text.</summary>
    public MarkdownRewrite? Markdown { get; init; }

    public void Print(SessionEvent e)
    {
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(e, Core.Chat.StreamEvent.JsonOptions));
            stdout.Flush();
            if (e.Type == SessionEventTypes.TurnFinished)
            {
                FinishedStatus = e.Turn?.Status;
                FinishedError = e.Turn?.Error;
            }

            return;
        }

        switch (e.Type)
        {
            case TurnSnapshots.Type when e.Turn?.Status == "running":
                Line($"[grey]↳ a turn is in progress; what it wrote so far:[/]");
                if (e.Delta?.Text is { Length: > 0 } partial)
                {
                    Text(partial);
                }

                break;
            case SessionEventTypes.TurnStarted when e.Turn?.Input is { } input && EchoesInput:
                Line($"[bold blue]›[/] {Markup.Escape(input)}");
                break;
            case SessionEventTypes.MessageStarted:
                _model ??= e.Message?.Model;
                break;
            case SessionEventTypes.Delta when e.Delta is { } delta:
                switch (delta.Type)
                {
                    case "text" when delta.Text is { Length: > 0 } text:
                        Text(text);
                        break;
                    case "reasoning" when delta.Text is { Length: > 0 } reasoning && terminal:
                        if (!_inReasoning)
                        {
                            FinishText();
                            EndLine();
                            _inReasoning = true;
                        }

                        console.Write(new Text(reasoning, new Style(Color.Grey, decoration: Decoration.Italic)));
                        _midLine = !reasoning.EndsWith('\n');
                        break;
                    default:
                        break;
                }

                break;
            case SessionEventTypes.MessageFinished when e.Message is { Role: "assistant" } m:
                FinishText();
                if (m.Usage is { } usage)
                {
                    _usage.Add(usage);
                }

                _model = m.Model ?? _model;
                if (m.Error is { } error)
                {
                    Line($"[red]✗ {Markup.Escape(error)}[/]");
                }

                break;
            case SessionEventTypes.ToolStarted when e.Tool is { } tool:
                _startedCalls.Add(tool.CallId);
                Line($"[blue]⚙ {Markup.Escape(tool.Name)}[/][grey]({Markup.Escape(Arguments(tool.Arguments))})[/]");
                break;
            case SessionEventTypes.ToolFinished when e.Tool is { } tool:
                if (!_startedCalls.Contains(tool.CallId))
                {
                    Line($"[blue]⚙ {Markup.Escape(tool.Name)}[/][grey]({Markup.Escape(Arguments(tool.Arguments))})[/]");
                }

                var summary = tool.Summary ?? FirstLine(tool.Result);
                var took = tool.DurationMs is > 0 ? $" [grey]({tool.DurationMs / 1000:0.0} s)[/]" : "";
                // A refusal is a decision, not a failure.
                Line(tool.Status == "denied" ? $"  [yellow]⊘ {Markup.Escape(summary)}[/]"
                    : tool.IsError ? $"  [red]✗ {Markup.Escape(summary)}[/]" : $"  [green]✓[/] {Markup.Escape(summary)}{took}");
                break;
            case SessionEventTypes.ApprovalRequested when e.Approval is { } approval && !AnswersApprovals:
                Line($"[yellow]⏸ {Markup.Escape(approval.Tool)} waits for approval[/] [grey](answer in the UI, or: {Markup.Escape(Invocation.Name)} session approve <session> {ShortIds.Of(approval.ApprovalId)} approve|deny)[/]");
                break;
            case SessionEventTypes.ApprovalResolved when e.Approval is { } approval && !AnswersApprovals:
                Line($"  [grey]{Markup.Escape(approval.Status.Replace('_', ' '))}{(approval.Reason is { } r ? $": {Markup.Escape(r)}" : "")}[/]");
                break;
            case SessionEventTypes.Notice or SessionEventTypes.ContextCompacted when e.Notice is { } notice:
                Line($"[yellow]ℹ {Markup.Escape(notice)}[/]");
                break;
            case SessionEventTypes.TurnFinished when e.Turn is { } turn:
                FinishedStatus = turn.Status;
                FinishedError = turn.Error;
                FinishText();
                EndLine();
                Summary(turn);
                break;
            default:
                break;
        }
    }

    private void Summary(TurnInfo turn)
    {
        var parts = new List<string>();
        if (_model is not null)
        {
            parts.Add(_model);
        }

        if (turn.Rounds > 1)
        {
            parts.Add($"{turn.Rounds} model calls");
        }

        if (_usage.InputTokenCount is not null || _usage.OutputTokenCount is not null)
        {
            parts.Add($"{_usage.InputTokenCount ?? 0:N0} in / {_usage.OutputTokenCount ?? 0:N0} out tokens");
        }

        var status = turn.Status switch
        {
            "completed" => "",
            "cancelled" => "stopped",
            _ => turn.Status,
        };
        if (status.Length > 0)
        {
            parts.Add(status);
        }

        var text = $"— {string.Join(" · ", parts)}";
        stderr.WriteLine(terminal ? $"\u001b[2m{text}\u001b[0m" : text);
        if (turn.Status is "failed" or "interrupted" && turn.Error is { } error)
        {
            stderr.WriteLine($"error: {error}");
        }

        _usage.InputTokenCount = null;
        _usage.OutputTokenCount = null;
        _startedCalls.Clear();
    }

    private void Text(string text)
    {
        if (_inReasoning)
        {
            EndLine();
            _inReasoning = false;
        }

        if (!_inText)
        {
            _inText = true;
            Markdown?.Start(atLineStart: !_midLine);
        }

        Markdown?.Append(text);
        stdout.Write(text);
        stdout.Flush();
        _midLine = !text.EndsWith('\n');
    }

    private void Line(string markup)
    {
        FinishText();
        EndLine();
        console.MarkupLine(markup);
    }

    /// <summary>The answer's text is over (the message ended, or something else is printed): render it if it should be.</summary>
    private void FinishText()
    {
        if (!_inText)
        {
            return;
        }

        _inText = false;
        if (Markdown is not null)
        {
            EndLine();
            Markdown.Finish();
        }
    }

    private void EndLine()
    {
        if (_midLine)
        {
            stdout.WriteLine();
            stdout.Flush();
            _midLine = false;
        }
    }

    internal static string Arguments(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "";
        }

        var text = JsonSerializer.Serialize(arguments);
        return text.Length <= 160 ? text : string.Concat(text.AsSpan(0, 159), "…");
    }

    private static string FirstLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "done";
        }

        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 160 ? line : string.Concat(line.AsSpan(0, 159), "…");
    }
}
