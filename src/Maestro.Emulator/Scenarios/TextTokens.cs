namespace Maestro.Emulator.Scenarios;

/// <summary>Cuts text into stream tokens: each run of non-space characters with the whitespace after it.</summary>
internal static class TextTokens
{
    /// <summary>The pieces concatenate back to exactly <paramref name="text"/>.</summary>
    public static List<string> Split(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var start = 0;
        var i = 0;
        // Leading whitespace belongs to the first token.
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        while (i < text.Length)
        {
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            tokens.Add(text[start..i]);
            start = i;
        }

        if (start < text.Length)
        {
            tokens.Add(text[start..]);
        }

        return tokens;
    }

    /// <summary>
    /// Splits tool-call arguments into several fragments, as providers stream them. Never splits a surrogate pair,
    /// so every fragment is valid UTF-16 (and so valid UTF-8 on the wire).
    /// </summary>
    public static List<string> Fragments(string json, int size = 8)
    {
        var fragments = new List<string>();
        var i = 0;
        while (i < json.Length)
        {
            var length = Math.Min(size, json.Length - i);
            if (i + length < json.Length && char.IsHighSurrogate(json[i + length - 1]))
            {
                length++;
            }

            fragments.Add(json.Substring(i, length));
            i += length;
        }

        return fragments;
    }
}
