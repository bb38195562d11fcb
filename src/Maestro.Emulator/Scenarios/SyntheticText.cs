using System.Text;

namespace Maestro.Emulator.Scenarios;

/// <summary>
/// The deterministic Markdown of a synthetic answer: one token per text-delta event. It opens by naming the emulated
/// provider/model and quoting the start of the last user message (so a caller sees its prompt arrived), then a short
/// fenced code block, then filler paragraphs up to the requested length.
/// </summary>
internal static class SyntheticText
{
    private const int QuoteLength = 200;

    private static readonly string[] Filler =
    [
        "The", "emulator", "streams", "these", "words", "at", "the", "rate", "you", "asked", "for", ",", "so", "clients",
        "can", "be", "tested", "offline", "and", "without", "keys", ".", "Every", "token", "arrives", "as", "its", "own",
        "delta", "event", ",", "and", "the", "usage", "at", "the", "end", "counts", "them", "exactly", ".",
    ];

    private static readonly string[] CodeBlock =
    [
        "```csharp\n", "var ", "answer ", "= ", "42", ";\n", "Console", ".WriteLine", "(answer)", ";\n", "```\n\n",
    ];

    public static List<string> Tokens(string provider, string model, string lastUserText, int count)
    {
        var tokens = new List<string>(Math.Min(count, 1 << 20));
        foreach (var token in All(provider, model, lastUserText))
        {
            if (tokens.Count == count)
            {
                break;
            }

            tokens.Add(token);
        }

        return tokens;
    }

    public static List<string> Reasoning(int answerTokens) => TextTokens.Split(
        $"The user wants an answer of {answerTokens} tokens. The emulator plans it the same way every time: " +
        "name the model, quote the prompt, show a code block, then fill the rest.");

    private static IEnumerable<string> All(string provider, string model, string lastUserText)
    {
        foreach (var word in TextTokens.Split($"This is an emulated answer from {provider}/{model}."))
        {
            yield return word;
        }

        yield return "\n\n";
        var quote = Quote(lastUserText);
        if (quote.Length > 0)
        {
            yield return "You ";
            yield return "wrote:\n\n";
            yield return "> ";
            foreach (var word in TextTokens.Split(quote))
            {
                yield return word;
            }

            yield return "\n\n";
        }

        foreach (var token in CodeBlock)
        {
            yield return token;
        }

        // Filler forever, in paragraphs of two sentences; the caller takes as many tokens as it needs.
        var sentences = 0;
        while (true)
        {
            for (var i = 0; i < Filler.Length; i++)
            {
                var word = Filler[i];
                var next = i + 1 < Filler.Length ? Filler[i + 1] : null;
                if (word is "." or ",")
                {
                    if (word == ".")
                    {
                        sentences++;
                        yield return sentences % 2 == 0 ? ".\n\n" : ". ";
                    }
                    else
                    {
                        yield return ", ";
                    }
                }
                else
                {
                    yield return next is "." or "," ? word : word + " ";
                }
            }
        }
    }

    /// <summary>The first ~200 characters on one line, so the quote stays one Markdown block quote.</summary>
    private static string Quote(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, QuoteLength + 1));
        foreach (var c in text)
        {
            if (builder.Length >= QuoteLength)
            {
                if (char.IsHighSurrogate(builder[^1]))
                {
                    builder.Length--;
                }

                builder.Append('…');
                break;
            }

            builder.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
