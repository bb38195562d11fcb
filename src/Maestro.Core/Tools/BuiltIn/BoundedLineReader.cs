using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Reads lines ("\n" or "\r\n", as cat and grep count them) keeping at most <c>maxChars</c> of each, so a huge file
/// or a gigabyte-long line costs bounded memory.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxChars)
{
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _length;

    /// <summary>The next line (cut to maxChars) and its full length, or null at the end.</summary>
    public async ValueTask<(string Text, long Length)?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        long length = 0;
        var any = false;
        var lastChar = '\0';
        while (true)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_buffer, cancellationToken);
                _position = 0;
                if (_length == 0)
                {
                    return any ? Finish(length, lastChar) : null;
                }
            }

            any = true;
            var span = _buffer.AsSpan(_position, _length - _position);
            var newline = span.IndexOf('\n');
            var chunk = newline < 0 ? span : span[..newline];
            if (_line.Length < maxChars)
            {
                _line.Append(chunk[..Math.Min(chunk.Length, maxChars - _line.Length)]);
            }

            length += chunk.Length;
            if (chunk.Length > 0)
            {
                lastChar = chunk[^1];
            }

            if (newline >= 0)
            {
                _position += newline + 1;
                return Finish(length, lastChar);
            }

            _position = _length;
        }
    }

    private (string, long) Finish(long length, char lastChar)
    {
        if (lastChar != '\r')
        {
            return (_line.ToString(), length);
        }

        if (_line.Length == length)
        {
            _line.Length--;
        }

        return (_line.ToString(), length - 1);
    }
}
