using System.Text;

namespace Maestro.Cli.LineEditing;

/// <summary>
/// Reads one entry at a terminal with the editing keys of a shell: arrows, Home/End, Ctrl+A/E/B/F, Alt+B/F or
/// Ctrl+arrows by word, Backspace/Delete, Ctrl+U/K/W, Up/Down (or Ctrl+P/N) through the history, Ctrl+L to clear the
/// screen, Alt+Enter for a new line inside the entry. Long entries scroll sideways on one row, so the cursor maths never
/// depends on how the terminal wraps; the submitted entry is then written out once, whole.
/// </summary>
public sealed class LineEditor(ReplHistory history, TextWriter output, Func<ConsoleKeyInfo> readKey, Func<int> width)
{
    /// <summary>Shown in place of a line break inside an entry being edited.</summary>
    private const char BreakMark = '↵';

    private readonly StringBuilder _buffer = new();
    private int _cursor;

    /// <summary>Whether the last read ended with Ctrl+C (the line was dropped).</summary>
    public bool Cancelled { get; private set; }

    /// <summary>
    /// Reads an entry. <paramref name="prompt"/> may hold colour codes; <paramref name="promptWidth"/> is how many
    /// columns it takes. Returns null at the end of input (Ctrl+D on an empty line) and "" after Ctrl+C (the line is
    /// dropped, as in a shell).
    /// </summary>
    public string? ReadLine(string prompt, int promptWidth)
    {
        _buffer.Clear();
        _cursor = 0;
        Cancelled = false;
        var browsing = history.Browse();
        Render(prompt, promptWidth);
        var meta = false;
        while (true)
        {
            var key = readKey();
            if (key.Key == ConsoleKey.Escape && !meta)
            {
                // Escape then a key is that key with Alt (as in readline): terminals send Alt+Enter so.
                meta = true;
                continue;
            }

            var control = key.Modifiers.HasFlag(ConsoleModifiers.Control);
            var alt = key.Modifiers.HasFlag(ConsoleModifiers.Alt) || meta;
            meta = false;
            switch (key.Key)
            {
                case ConsoleKey.Enter when alt || key.Modifiers.HasFlag(ConsoleModifiers.Shift):
                    Insert("\n");
                    break;
                case ConsoleKey.Enter:
                    return Submit(prompt, promptWidth);
                case ConsoleKey.C when control:
                    _cursor = _buffer.Length;
                    Render(prompt, promptWidth);
                    output.Write("^C\n");
                    output.Flush();
                    Cancelled = true;
                    return "";
                case ConsoleKey.D when control:
                    if (_buffer.Length == 0)
                    {
                        output.Write('\n');
                        output.Flush();
                        return null;
                    }

                    DeleteAt(_cursor);
                    break;
                case ConsoleKey.Backspace:
                case ConsoleKey.H when control:
                    if (_cursor > 0)
                    {
                        _cursor--;
                        DeleteAt(_cursor);
                    }

                    break;
                case ConsoleKey.Delete:
                    DeleteAt(_cursor);
                    break;
                case ConsoleKey.LeftArrow when control:
                case ConsoleKey.B when alt:
                    _cursor = WordStart(_cursor);
                    break;
                case ConsoleKey.RightArrow when control:
                case ConsoleKey.F when alt:
                    _cursor = WordEnd(_cursor);
                    break;
                case ConsoleKey.LeftArrow:
                case ConsoleKey.B when control:
                    _cursor = Math.Max(0, _cursor - 1);
                    break;
                case ConsoleKey.RightArrow:
                case ConsoleKey.F when control:
                    _cursor = Math.Min(_buffer.Length, _cursor + 1);
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when control:
                    _cursor = 0;
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when control:
                    _cursor = _buffer.Length;
                    break;
                case ConsoleKey.U when control:
                    _buffer.Remove(0, _cursor);
                    _cursor = 0;
                    break;
                case ConsoleKey.K when control:
                    _buffer.Remove(_cursor, _buffer.Length - _cursor);
                    break;
                case ConsoleKey.W when control:
                    var start = WordStart(_cursor);
                    _buffer.Remove(start, _cursor - start);
                    _cursor = start;
                    break;
                case ConsoleKey.UpArrow:
                case ConsoleKey.P when control:
                    if (browsing.Previous(_buffer.ToString()) is { } older)
                    {
                        Replace(older);
                    }

                    break;
                case ConsoleKey.DownArrow:
                case ConsoleKey.N when control:
                    if (browsing.Next() is { } newer)
                    {
                        Replace(newer);
                    }

                    break;
                case ConsoleKey.L when control:
                    output.Write("\u001b[H\u001b[2J");
                    break;
                default:
                    if (key.KeyChar == '\t')
                    {
                        Insert("    ");
                    }
                    else if (!char.IsControl(key.KeyChar) && !control && !alt && key.KeyChar != '\0')
                    {
                        Insert(key.KeyChar.ToString());
                    }

                    break;
            }

            Render(prompt, promptWidth);
        }
    }

    private string Submit(string prompt, int promptWidth)
    {
        // The entry as it will be sent, written once and whole (it may have been scrolled while edited).
        var text = _buffer.ToString();
        output.Write('\r');
        output.Write(prompt);
        output.Write(text.Replace("\n", "\n" + new string(' ', promptWidth), StringComparison.Ordinal));
        output.Write("\u001b[K\n");
        output.Flush();
        return text;
    }

    private void Insert(string text)
    {
        _buffer.Insert(_cursor, text);
        _cursor += text.Length;
    }

    private void DeleteAt(int index)
    {
        if (index < _buffer.Length)
        {
            _buffer.Remove(index, 1);
        }
    }

    private void Replace(string text)
    {
        _buffer.Clear().Append(text);
        _cursor = _buffer.Length;
    }

    private int WordStart(int from)
    {
        var i = from;
        while (i > 0 && char.IsWhiteSpace(_buffer[i - 1]))
        {
            i--;
        }

        while (i > 0 && !char.IsWhiteSpace(_buffer[i - 1]))
        {
            i--;
        }

        return i;
    }

    private int WordEnd(int from)
    {
        var i = from;
        while (i < _buffer.Length && char.IsWhiteSpace(_buffer[i]))
        {
            i++;
        }

        while (i < _buffer.Length && !char.IsWhiteSpace(_buffer[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Redraws the row: the prompt, the window of the entry that holds the cursor, then the cursor.</summary>
    private void Render(string prompt, int promptWidth)
    {
        var room = Math.Max(10, width() - promptWidth - 1);
        var offset = _cursor < room ? 0 : _cursor - room + 1;
        var length = Math.Min(room, _buffer.Length - offset);
        var visible = new StringBuilder(length);
        for (var i = offset; i < offset + length; i++)
        {
            var c = _buffer[i];
            visible.Append(c == '\n' ? BreakMark : char.IsControl(c) ? ' ' : c);
        }

        output.Write('\r');
        output.Write(prompt);
        output.Write(visible);
        output.Write("\u001b[K\r");
        var column = promptWidth + _cursor - offset;
        if (column > 0)
        {
            output.Write($"\u001b[{column}C");
        }

        output.Flush();
    }
}
