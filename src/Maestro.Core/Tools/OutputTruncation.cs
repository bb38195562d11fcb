namespace Maestro.Core.Tools;

/// <summary>Keeps long output useful: the head and the tail, with a note of how much was left out.</summary>
public static class OutputTruncation
{
    public static string HeadTail(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var half = Math.Max(1, (maxChars - 80) / 2);
        var omitted = text.Length - (2 * half);
        return string.Concat(
            text.AsSpan(0, half),
            $"\n\n[… {omitted:N0} of {text.Length:N0} characters omitted …]\n\n",
            text.AsSpan(text.Length - half));
    }
}
