using System.Text;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// What a terminal would show for the bytes a program wrote: enough of a VT100 (carriage return, line feed, erase to
/// the end of the line or screen, cursor forward and up, clear screen, wrapping) to see a line editor's result as the user sees it.
/// </summary>
public sealed class TerminalScreen(int columns)
{
    private readonly List<StringBuilder> _lines = [new()];
    private int _row;
    private int _column;

    public IReadOnlyList<string> Lines => _lines.Select(l => l.ToString().TrimEnd()).ToList();

    public string Text => string.Join('\n', Lines);

    public void Feed(string output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            var c = output[i];
            switch (c)
            {
                case '\r':
                    _column = 0;
                    break;
                case '\n':
                    NewLine();
                    break;
                case '\u001b':
                    i = Escape(output, i);
                    break;
                case '\b':
                    _column = Math.Max(0, _column - 1);
                    break;
                case '\a':
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        Put(c);
                    }

                    break;
            }
        }
    }

    private void Put(char c)
    {
        if (_column >= columns)
        {
            NewLine();
        }

        var line = _lines[_row];
        while (line.Length < _column)
        {
            line.Append(' ');
        }

        if (_column < line.Length)
        {
            line[_column] = c;
        }
        else
        {
            line.Append(c);
        }

        _column++;
    }

    private void NewLine()
    {
        _row++;
        _column = 0;
        if (_row == _lines.Count)
        {
            _lines.Add(new StringBuilder());
        }
    }

    /// <returns>The index of the escape sequence's last character.</returns>
    private int Escape(string s, int start)
    {
        if (start + 1 >= s.Length)
        {
            return start;
        }

        if (s[start + 1] == ']')
        {
            // OSC: up to BEL or ST.
            var end = start + 2;
            while (end < s.Length && s[end] != '\a' && !(s[end] == '\u001b' && end + 1 < s.Length && s[end + 1] == '\\'))
            {
                end++;
            }

            return end < s.Length && s[end] == '\u001b' ? end + 1 : end;
        }

        if (s[start + 1] != '[')
        {
            return start + 1;
        }

        var i = start + 2;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] is ';' or '?'))
        {
            i++;
        }

        if (i >= s.Length)
        {
            return s.Length - 1;
        }

        var parameter = s[(start + 2)..i].TrimStart('?');
        var n = int.TryParse(parameter.Split(';')[0], out var value) ? value : 0;
        switch (s[i])
        {
            case 'K':
                var line = _lines[_row];
                if (n == 0 && _column < line.Length)
                {
                    line.Length = _column;
                }
                else if (n == 2)
                {
                    line.Clear();
                }

                break;
            case 'C':
                _column += Math.Max(1, n);
                break;
            case 'D':
                _column = Math.Max(0, _column - Math.Max(1, n));
                break;
            case 'G':
                _column = Math.Max(0, n - 1);
                break;
            case 'A':
                _row = Math.Max(0, _row - Math.Max(1, n));
                break;
            case 'J' when n == 0:
                // Erase from the cursor to the end of the screen.
                if (_column < _lines[_row].Length)
                {
                    _lines[_row].Length = _column;
                }

                _lines.RemoveRange(_row + 1, _lines.Count - _row - 1);
                break;
            case 'J' when n == 2:
                _lines.Clear();
                _lines.Add(new StringBuilder());
                _row = 0;
                _column = 0;
                break;
            case 'H':
                _column = 0;
                break;
            default:
                break;
        }

        return i;
    }
}
