using System.Globalization;
using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Collects a stream of text of any length in bounded memory and renders it like <see cref="OutputTruncation.HeadTail"/>:
/// everything when it fits, else its head and tail with a note of the total size.
/// </summary>
internal sealed class BoundedOutput(int maxChars)
{
    private readonly StringBuilder _head = new();
    private readonly StringBuilder _tail = new();

    public long TotalChars { get; private set; }

    public void Append(ReadOnlySpan<char> text)
    {
        TotalChars += text.Length;
        if (_head.Length < maxChars)
        {
            _head.Append(text[..Math.Min(text.Length, maxChars - _head.Length)]);
        }

        // The tail sees everything and is trimmed in large steps, so appending stays cheap.
        _tail.Append(text);
        if (_tail.Length > 2 * maxChars)
        {
            _tail.Remove(0, _tail.Length - maxChars);
        }
    }

    public override string ToString()
    {
        if (TotalChars <= maxChars)
        {
            return _head.ToString();
        }

        // Same shape and arithmetic as OutputTruncation.HeadTail, which needs the whole text in memory.
        var half = Math.Max(1, (maxChars - 80) / 2);
        var omitted = TotalChars - (2 * half);
        return string.Concat(
            _head.ToString(0, half),
            string.Create(CultureInfo.InvariantCulture, $"\n\n[… {omitted:N0} of {TotalChars:N0} characters omitted …]\n\n"),
            _tail.ToString(_tail.Length - half, half));
    }
}
