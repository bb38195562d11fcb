using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Maestro.Core.Chat;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace Maestro.Cli.Output;

/// <summary>
/// Shows a chat stream as it arrives: answer text on stdout, reasoning dimmed (terminal only, so a redirected answer
/// stays clean), tool calls, and a usage line at the end; or, with --json, one normalized event per line.
/// </summary>
public sealed class ChatStreamPrinter(IAnsiConsole console, TextWriter stdout, TextWriter stderr, bool json, bool terminal)
{
    private readonly StringBuilder _text = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _inReasoning;

    public string Text => _text.ToString();

    public UsageDetails? Usage { get; private set; }

    public ErrorContent? Error { get; private set; }

    public string? Model { get; private set; }

    public string? FinishReason { get; private set; }

    public TimeSpan? FirstToken { get; private set; }

    public async Task<ChatStreamPrinter> PrintAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        await foreach (var update in updates)
        {
            Model ??= update.ModelId;
            if (update.FinishReason is { } finish)
            {
                FinishReason = finish.Value;
            }

            if (json)
            {
                foreach (var e in StreamEvent.From(update))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(e, StreamEvent.JsonOptions));
                }

                await stdout.FlushAsync();
            }

            foreach (var content in update.Contents)
            {
                Show(content);
            }
        }

        if (!json)
        {
            EndLine();
            PrintSummary();
        }

        return this;
    }

    private void Show(AIContent content)
    {
        switch (content)
        {
            case TextContent text when text.Text.Length > 0:
                FirstToken ??= _clock.Elapsed;
                _text.Append(text.Text);
                if (!json)
                {
                    if (_inReasoning)
                    {
                        EndLine();
                        _inReasoning = false;
                    }

                    stdout.Write(text.Text);
                    stdout.Flush();
                }

                break;
            case TextReasoningContent reasoning when reasoning.Text.Length > 0:
                FirstToken ??= _clock.Elapsed;
                if (!json && terminal)
                {
                    _inReasoning = true;
                    console.Write(new Text(reasoning.Text, new Style(Color.Grey, decoration: Decoration.Italic)));
                }

                break;
            case FunctionCallContent call when !json:
                EndLine();
                var args = call.Arguments is null ? "" : JsonSerializer.Serialize(call.Arguments);
                console.MarkupLine($"[blue]⚙ {Markup.Escape(call.Name)}[/][grey]({Markup.Escape(Truncate(args, 200))})[/]");
                break;
            case UsageContent usage:
                Usage = usage.Details;
                break;
            case ErrorContent error:
                Error = error;
                break;
            default:
                break;
        }
    }

    private void PrintSummary()
    {
        var parts = new List<string>();
        if (Model is not null)
        {
            parts.Add(Model);
        }

        if (Usage is not null)
        {
            var tokens = $"{Usage.InputTokenCount ?? 0} in / {Usage.OutputTokenCount ?? 0} out tokens";
            if (Usage.CachedInputTokenCount is > 0)
            {
                tokens += $" ({Usage.CachedInputTokenCount} cached)";
            }

            if (Usage.ReasoningTokenCount is > 0)
            {
                tokens += $", {Usage.ReasoningTokenCount} reasoning";
            }

            parts.Add(tokens);
        }

        if (FirstToken is { } first)
        {
            parts.Add($"first token {first.TotalSeconds:0.00} s");
        }

        parts.Add($"{_clock.Elapsed.TotalSeconds:0.0} s");
        if (FinishReason is "length")
        {
            parts.Add("stopped at the output limit");
        }

        stderr.WriteLine(terminal ? $"\u001b[2m— {string.Join(" · ", parts)}\u001b[0m" : $"— {string.Join(" · ", parts)}");
    }

    private void EndLine()
    {
        if (_text.Length > 0 || _inReasoning)
        {
            stdout.WriteLine();
            stdout.Flush();
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
}
