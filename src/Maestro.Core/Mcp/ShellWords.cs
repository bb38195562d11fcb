using System.Text;

namespace Maestro.Core.Mcp;

/// <summary>
/// Splits command lines the way a POSIX shell does, without running anything: words separated by blanks, 'single
/// quotes' taken literally, "double quotes" with \ escaping only $ ` " \ and newline, a backslash outside quotes
/// escaping the next character (a backslash-newline joins lines), and # comments at the start of a word. Commands end
/// at an unquoted newline, ';' or '&amp;&amp;'. Variables ($X) are not expanded: they stay as written.
/// </summary>
public static class ShellWords
{
    /// <summary>The words of one command.</summary>
    /// <exception cref="FormatException">A quote is not closed, or the text holds more than one command.</exception>
    public static IReadOnlyList<string> Split(string text)
    {
        var commands = SplitCommands(text);
        return commands.Count switch
        {
            0 => [],
            1 => commands[0],
            _ => throw new FormatException("Expected one command, found several (separated by a newline, ';' or '&&')."),
        };
    }

    /// <summary>Every command in the text, each as its words; empty commands are left out.</summary>
    /// <exception cref="FormatException">A quote is not closed.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> SplitCommands(string text)
    {
        var commands = new List<IReadOnlyList<string>>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }

        void EndCommand()
        {
            EndWord();
            if (words.Count > 0)
            {
                commands.Add(words.ToArray());
                words.Clear();
            }
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\r':
                    EndWord();
                    break;
                case '\n' or ';':
                    EndCommand();
                    break;
                case '&' when i + 1 < text.Length && text[i + 1] == '&':
                    EndCommand();
                    i++;
                    break;
                case '#' when !inWord:
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '\\':
                    if (i + 1 < text.Length)
                    {
                        i++;
                        if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                        {
                            i++;
                        }

                        if (text[i] != '\n')
                        {
                            word.Append(text[i]);
                            inWord = true;
                        }
                    }

                    break;
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"A single quote opened at position {i + 1} is never closed.");
                    }

                    word.Append(text, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    i = ReadDoubleQuoted(text, i, word);
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        EndCommand();
        return commands;
    }

    /// <summary>Quotes a word so that <see cref="Split"/> (and a POSIX shell) reads it back unchanged.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '@' or '+' or ',' or '%'))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static int ReadDoubleQuoted(string text, int open, StringBuilder word)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '$' or '`' or '"' or '\\' or '\n')
            {
                i++;
                if (text[i] != '\n')
                {
                    word.Append(text[i]);
                }

                continue;
            }

            word.Append(c);
        }

        throw new FormatException($"A double quote opened at position {open + 1} is never closed.");
    }
}
