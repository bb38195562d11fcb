namespace Maestro.Web.Components.Chat;

/// <summary>
/// A line diff between two texts for display: the shared lines at the start and end as context, the differing middle
/// as removed and added lines (an edit's old and new text are short and local, so no general diff is needed).
/// </summary>
public static class LineDiff
{
    private const int Context = 3;

    public static IReadOnlyList<DiffLine> Between(string before, string after, int maxLines)
    {
        var a = Lines(before);
        var b = Lines(after);
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
        {
            tail++;
        }

        var lines = new List<DiffLine>();
        if (head > Context)
        {
            lines.Add(Skipped(head - Context));
        }

        for (var i = Math.Max(0, head - Context); i < head; i++)
        {
            lines.Add(new DiffLine(' ', a[i]));
        }

        for (var i = head; i < a.Length - tail; i++)
        {
            lines.Add(new DiffLine('-', a[i]));
        }

        for (var i = head; i < b.Length - tail; i++)
        {
            lines.Add(new DiffLine('+', b[i]));
        }

        for (var i = a.Length - tail; i < Math.Min(a.Length, a.Length - tail + Context); i++)
        {
            lines.Add(new DiffLine(' ', a[i]));
        }

        if (tail > Context)
        {
            lines.Add(Skipped(tail - Context));
        }

        if (lines.Count > maxLines)
        {
            var left = lines.Count - maxLines;
            lines.RemoveRange(maxLines, left);
            lines.Add(new DiffLine('…', $"{left} more lines (see Arguments)"));
        }

        return lines;
    }

    private static DiffLine Skipped(int count) => new('…', count == 1 ? "1 unchanged line" : $"{count} unchanged lines");

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
