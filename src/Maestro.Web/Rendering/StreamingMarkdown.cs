using System.Text;
using Markdig;

namespace Maestro.Web.Rendering;

/// <summary>
/// The Markdown of one message as it streams in. Each <see cref="Flush"/> parses only the text after the blocks
/// already completed: every top-level block but the last is complete (a new block has begun after it, and Markdown
/// never reopens a closed block), so it is rendered once and appended; the last block is the tail, re-rendered each
/// time. The cost of an update is the size of the tail, not of the message.
/// </summary>
public sealed class StreamingMarkdown
{
    private readonly StringBuilder _text = new();
    private int _completed;

    /// <summary>Characters received so far.</summary>
    public long Length => _text.Length;

    public bool HasPending { get; private set; }

    public void Append(string text)
    {
        _text.Append(text);
        HasPending = true;
    }

    public MarkdownUpdate Flush()
    {
        HasPending = false;
        var pending = _text.ToString(_completed, _text.Length - _completed);
        var document = Markdown.Parse(pending, MarkdownRenderer.Pipeline);
        if (document.Count == 0)
        {
            return new MarkdownUpdate("", "");
        }

        var last = document.Count - 1;
        var completed = MarkdownRenderer.Render(document, 0, last);
        var tail = MarkdownRenderer.Render(document, last, 1);
        _completed += LineStart(pending, document[last].Span.Start);
        return new MarkdownUpdate(completed, tail);
    }

    /// <summary>The start of the line a block begins on: the next parse starts at a line boundary, as Markdown expects.</summary>
    private static int LineStart(string text, int position)
    {
        var i = Math.Clamp(position, 0, text.Length);
        while (i > 0 && text[i - 1] != '\n')
        {
            i--;
        }

        return i;
    }
}
