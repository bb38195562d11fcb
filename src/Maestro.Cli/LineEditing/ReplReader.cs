using System.Text;

namespace Maestro.Cli.LineEditing;

/// <summary>
/// Reads the REPL's entries: with the line editor on a terminal, line by line otherwise. An entry spans several lines
/// when a line ends with a backslash (the next line continues it), inside a <c>"""</c> … <c>"""</c> block, or with
/// Alt+Enter in the editor. Each entry read is added to the history (see <see cref="ReplHistory"/> for what is kept).
/// </summary>
public sealed class ReplReader(LineEditor? editor, TextReader input, TextWriter output, ReplHistory history, bool color)
{
    private const string Fence = "\"\"\"";
    private const int PromptWidth = 2;

    private bool _dropped;

    private string Prompt => color ? "\u001b[1;34m›\u001b[0m " : "› ";

    private string Continuation => color ? "\u001b[2m…\u001b[0m " : "… ";

    /// <summary>The next entry; null at the end of input; "" when the user dropped the line (Ctrl+C).</summary>
    public string? Read()
    {
        _dropped = false;
        var first = ReadLine(Prompt);
        if (_dropped || first is "")
        {
            return "";
        }

        if (first is null)
        {
            return null;
        }

        var entry = new StringBuilder();
        if (first.Trim() == Fence)
        {
            // A block: everything up to the closing fence, verbatim.
            while (ReadLine(Continuation) is { } line)
            {
                if (line.Trim() == Fence)
                {
                    break;
                }

                if (entry.Length > 0)
                {
                    entry.Append('\n');
                }

                entry.Append(line);
            }
        }
        else
        {
            var line = first;
            while (line.EndsWith('\\'))
            {
                entry.Append(line, 0, line.Length - 1).Append('\n');
                var next = ReadLine(Continuation);
                if (next is null)
                {
                    line = "";
                    break;
                }

                line = next;
            }

            entry.Append(line);
        }

        if (_dropped)
        {
            // Ctrl+C inside a multi-line entry drops all of it.
            return "";
        }

        var text = entry.ToString();
        history.Add(text);
        return text;
    }

    private string? ReadLine(string prompt)
    {
        if (_dropped)
        {
            return null;
        }

        if (editor is not null)
        {
            var line = editor.ReadLine(prompt, PromptWidth);
            _dropped = editor.Cancelled;
            return _dropped ? null : line;
        }

        output.Write(prompt);
        output.Flush();
        return input.ReadLine();
    }
}
