using System.Text;

namespace Maestro.Core.Turns;

/// <summary>
/// The text (or reasoning) deltas of one read of a provider's stream (what arrived since the last one), published as
/// one delta: the hub, the viewers and the other instances handle one event per read instead of one per token. A read
/// of one token publishes that token's own string; only longer ones are copied, once, into one string. One burst holds
/// one kind of delta: a change of kind publishes what came before.
/// </summary>
internal sealed class TextBurst
{
    // A read of a stream that arrives faster than it is parsed can go on for a long while: its text still goes out in
    // pieces of this many tokens (a normal stream brings a few to a few dozen per tick).
    private const int MaxTokens = 256;

    private string? _first;
    private StringBuilder? _more;
    private int _tokens;

    /// <summary>The delta type the burst holds ("text" or "reasoning").</summary>
    public string Kind { get; private set; } = "";

    /// <summary>Where the burst's text starts in the message (the first delta's offset; text only).</summary>
    public long? Offset { get; private set; }

    public bool IsEmpty => _first is null;

    /// <summary>Publish now: the read has brought as much as one delta should carry.</summary>
    public bool IsFull => _tokens >= MaxTokens;

    public void Add(string kind, string text, long? offset)
    {
        _tokens++;
        if (_first is null)
        {
            _first = text;
            Kind = kind;
            Offset = offset;
            return;
        }

        if (_more is null || _more.Length == 0)
        {
            (_more ??= new StringBuilder(256)).Append(_first);
        }

        _more.Append(text);
    }

    /// <summary>The burst's text, emptying it.</summary>
    public string Take()
    {
        var text = _more is { Length: > 0 } more ? more.ToString() : _first ?? "";
        _first = null;
        _more?.Clear();
        _tokens = 0;
        return text;
    }
}
