namespace Maestro.Core.Text;

/// <summary>
/// The one rule for text Maestro keeps: PostgreSQL's <c>text</c> and <c>jsonb</c> cannot hold NUL (U+0000), and a
/// lone UTF-16 surrogate is not Unicode at all (it cannot even be encoded as UTF-8). Input that carries them is
/// refused (<see cref="Problem"/>); output that Maestro did not write — model text, reasoning, tool arguments, tool
/// output, errors — is kept with the character visibly replaced (<see cref="Escape"/>, <see cref="EscapeJson"/>):
/// NUL becomes ␀ (U+2400, "symbol for null") and a lone surrogate becomes � (U+FFFD), so a turn goes on and the
/// reader still sees that something was there. Clean text (nearly all of it) is found clean by vectorized searches and
/// returned as the same instance, without allocating.
/// </summary>
public static class StorableText
{
    /// <summary>What a NUL becomes: ␀, visible, and one character like the NUL it replaces.</summary>
    public const char NulReplacement = '\u2400';

    /// <summary>What a lone surrogate becomes: the Unicode replacement character.</summary>
    public const char SurrogateReplacement = '\uFFFD';

    /// <summary>The index of the first NUL or lone surrogate, or -1 when the text can be stored as it is.</summary>
    public static int IndexOfUnstorable(ReadOnlySpan<char> text)
    {
        var nul = text.IndexOf('\0');
        var searched = nul < 0 ? text : text[..nul];
        var offset = 0;
        while (true)
        {
            var i = searched[offset..].IndexOfAnyInRange('\uD800', '\uDFFF');
            if (i < 0)
            {
                return nul;
            }

            i += offset;
            if (char.IsHighSurrogate(searched[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                offset = i + 2;
                if (offset >= searched.Length)
                {
                    return nul;
                }

                continue;
            }

            return i;
        }
    }

    /// <summary>Why the text cannot be stored ("contains …"), or null when it can.</summary>
    public static string? Problem(ReadOnlySpan<char> text)
    {
        var i = IndexOfUnstorable(text);
        return i < 0 ? null : Describe(text[i], i);
    }

    /// <summary>The text with every NUL shown as ␀ and every lone surrogate as �; the same instance when it is clean.</summary>
    public static string Escape(string text)
    {
        var first = IndexOfUnstorable(text);
        return first < 0 ? text : string.Create(text.Length, (text, first), static (span, state) =>
        {
            var (source, start) = state;
            source.AsSpan().CopyTo(span);
            for (var i = start; i < span.Length; i++)
            {
                var c = span[i];
                if (c == '\0')
                {
                    span[i] = NulReplacement;
                }
                else if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(c))
                {
                    span[i] = SurrogateReplacement;
                }
            }
        });
    }

    /// <inheritdoc cref="Escape(string)"/>
    public static string? EscapeOrNull(string? text) => text is null ? null : Escape(text);

    /// <summary>
    /// The same for JSON text: JSON may spell NUL and lone surrogates as escapes (<c>\u0000</c>, <c>\ud83d</c>), which
    /// jsonb refuses just the same. Each such escape is rewritten to <c>\u2400</c> or <c>\uFFFD</c> (six characters for
    /// six, so nothing else moves); an escaped backslash followed by "u0000" is text and stays as it is.
    /// </summary>
    public static string EscapeJson(string json)
    {
        var first = FindUnstorableEscape(json, 0);
        if (first < 0)
        {
            return Escape(json);
        }

        var chars = json.ToCharArray();
        for (var at = first; at >= 0; at = FindUnstorableEscape(json, at + 6))
        {
            var replacement = IsNulEscape(json, at) ? "2400" : "FFFD";
            replacement.CopyTo(chars.AsSpan(at + 2));
        }

        return Escape(new string(chars));
    }

    private static string Describe(char c, int index) => c == '\0'
        ? $"contains a NUL character (U+0000) at position {index + 1}, which Maestro cannot store; remove it"
        : $"contains a lone UTF-16 surrogate (U+{(int)c:X4}) at position {index + 1}, which is not valid Unicode";

    /// <summary>The index of the next <c>\u0000</c> or lone-surrogate escape at or after <paramref name="from"/>, or -1.</summary>
    private static int FindUnstorableEscape(string json, int from)
    {
        var i = from;
        while (i < json.Length)
        {
            var slash = json.AsSpan(i).IndexOf('\\');
            if (slash < 0)
            {
                return -1;
            }

            i += slash;
            if (i + 1 >= json.Length)
            {
                return -1;
            }

            if (json[i + 1] != 'u' || i + 5 >= json.Length || !TryHex(json, i + 2, out var code))
            {
                i += 2; // \\, \n, \" ...: the escaped character is never the start of another escape.
                continue;
            }

            if (code == 0)
            {
                return i;
            }

            if (code is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 11 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u' && TryHex(json, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    i += 12;
                    continue;
                }

                return i;
            }

            if (code is >= 0xDC00 and <= 0xDFFF)
            {
                return i;
            }

            i += 6;
        }

        return -1;
    }

    private static bool IsNulEscape(string json, int at) => TryHex(json, at + 2, out var code) && code == 0;

    private static bool TryHex(string json, int start, out int value) =>
        int.TryParse(json.AsSpan(start, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);
}
