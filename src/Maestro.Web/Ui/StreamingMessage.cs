using System.Text;
using Maestro.Web.Components.Chat;
using Maestro.Web.Rendering;

namespace Maestro.Web.Ui;

/// <summary>One viewer's copy of a message being written: its Markdown so far and the reasoning not yet sent.</summary>
internal sealed class StreamingMessage(Guid id)
{
    private readonly StringBuilder _reasoning = new();

    public Guid Id { get; } = id;

    public StreamingMarkdown Text { get; } = new();

    /// <summary>Some text is missing (the viewer joined without it); the finished message will show it all.</summary>
    public bool Blind { get; set; }

    public bool HasPending => Text.HasPending || _reasoning.Length > 0;

    /// <summary>Adds a text delta at its offset: what the viewer already has is skipped, so nothing shows twice.</summary>
    public void AddText(string text, long? offset)
    {
        if (Blind || text.Length == 0)
        {
            return;
        }

        if (offset is { } at)
        {
            var have = Text.Length;
            if (at + text.Length <= have)
            {
                return;
            }

            if (at < have)
            {
                text = text[(int)(have - at)..];
            }
            else if (at > have)
            {
                Blind = true;
                return;
            }
        }

        Text.Append(text);
    }

    public void AddReasoning(string text)
    {
        if (!Blind)
        {
            _reasoning.Append(text);
        }
    }

    /// <summary>The update since the last flush: completed blocks appended, the tail replaced, reasoning appended.</summary>
    public void Flush(StringBuilder html)
    {
        if (Text.HasPending)
        {
            var update = Text.Flush();
            if (update.Completed.Length > 0)
            {
                html.AppendTo(DomIds.Done(Id), update.Completed);
            }

            html.Replace("div", DomIds.Tail(Id), "md-tail", update.Tail);
        }

        if (_reasoning.Length > 0)
        {
            html.AppendTextTo(DomIds.ReasoningText(Id), _reasoning.ToString());
            _reasoning.Clear();
        }
    }
}
