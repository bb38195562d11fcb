using System.Text;
using Spectre.Console;

namespace Maestro.Cli.Output.Markdown;

/// <summary>
/// Streams an answer as plain text, then, once it is finished, replaces it on screen with its Markdown rendering: the
/// cursor goes back up over the streamed rows, erases them and the rendering is printed in their place. That is only
/// possible while every streamed row is still on the screen (rows that scrolled into the scrollback cannot be reached),
/// so a longer answer keeps its streamed text, which is readable Markdown anyway. Printing the rendering under it as
/// well would show every long answer twice. Plain prose (no Markdown syntax) is left alone: rendering would only rewrap it.
/// Per token this costs one append; the rows are counted once, when the message ends.
/// </summary>
public sealed class MarkdownRewrite(IAnsiConsole console, TextWriter stdout, Func<(int Width, int Height)> screen)
{
    private readonly StringBuilder _text = new();

    // Taken once per message (never per token): the approval prompt, on the turn's thread, must not print while the
    // answer is being redrawn.
    private readonly Lock _screen = new();
    private volatile bool _open;

    /// <summary>Starts a message's text, at the start of a line (anything else cannot be erased exactly).</summary>
    public void Start(bool atLineStart)
    {
        lock (_screen)
        {
            _text.Clear();
            _open = atLineStart;
        }
    }

    /// <summary>Something else was written to the terminal meanwhile: the answer's rows can no longer be counted.</summary>
    public void Abandon()
    {
        lock (_screen)
        {
            _open = false;
        }
    }

    /// <summary>Text as it streams (already written to the terminal by the caller).</summary>
    public void Append(string text)
    {
        if (_open)
        {
            _text.Append(text);
        }
    }

    /// <summary>The message's text is complete and the cursor is at the start of the line after it.</summary>
    /// <returns>True when the text was replaced by its rendering.</returns>
    public bool Finish()
    {
        lock (_screen)
        {
            return Redraw();
        }
    }

    private bool Redraw()
    {
        if (!_open || _text.Length == 0)
        {
            _open = false;
            return false;
        }

        _open = false;
        var text = _text.ToString();
        _text.Clear();
        var (width, height) = screen();
        if (width <= 0 || height <= 1 || text.AsSpan().IndexOfAny('\r', '\u001b') >= 0)
        {
            return false;
        }

        var rows = Rows(text, width);
        if (rows > height - 1)
        {
            return false;
        }

        var document = TerminalMarkdown.Parse(text);
        if (!TerminalMarkdown.HasFormatting(document))
        {
            return false;
        }

        // Up over the streamed rows, to the first column, and erase from there to the end of the screen.
        stdout.Write($"\u001b[{rows}A\r\u001b[J");
        stdout.Flush();
        // The rendering ends with a line break, so the cursor ends where the stream left it: at the start of a line.
        console.Write(TerminalMarkdown.Render(document));
        return true;
    }

    /// <summary>How many terminal rows the text took, wrapped at <paramref name="width"/> columns (tabs every 8).</summary>
    public static int Rows(string text, int width)
    {
        var rows = 0;
        var lines = text.Split('\n');
        // After the final newline the cursor is on a fresh row, which the text does not occupy.
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
        {
            var cells = Cells(lines[i]);
            rows += Math.Max(1, (cells + width - 1) / width);
        }

        return rows;
    }

    private static int Cells(string line)
    {
        var column = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            column = rune.Value == '\t' ? ((column / 8) + 1) * 8 : column + TerminalCells.Of(rune);
        }

        return column;
    }
}
