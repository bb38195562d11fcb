using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Maestro.Cli.Output;

/// <summary>
/// Command-line mistakes, reported without echoing what may be a secret (`--api-key sk-…` is the classic): an unknown
/// option is named without its value (the part after '=' or the word after it), and a stray word is quoted only when it
/// looks like a mistyped command. An unknown option that sounds like it carries a key points to --api-key-stdin. A
/// word starting with "--" among a command's arguments is an unknown option too, not text (`chat` would otherwise send
/// it to the model); text that starts with "--" goes after a "--".
/// </summary>
public static partial class ParseErrors
{
    /// <summary>Prints the parse errors and returns the exit code, or null when the command line is fine.</summary>
    public static int? Report(ParseResult parse, TextWriter stderr)
    {
        var unexpected = parse.UnmatchedTokens.Concat(OptionLikeArguments(parse)).ToList();
        if (unexpected.Count == 0 && parse.Errors.Count == 0)
        {
            return null;
        }

        var options = new List<string>();
        for (var i = 0; i < unexpected.Count; i++)
        {
            var token = unexpected[i];
            if (IsOption(token))
            {
                var name = token.Split('=', 2)[0];
                options.Add(name);
                // The word after an unknown option is most likely its value: never shown, never reported apart.
                var valued = token.Contains('=', StringComparison.Ordinal);
                if (!valued && i + 1 < unexpected.Count && !IsOption(unexpected[i + 1]))
                {
                    valued = true;
                    i++;
                }

                stderr.WriteLine(valued ? $"error: unknown option '{name}' (its value is not shown)." : $"error: unknown option '{name}'.");
            }
            else
            {
                stderr.WriteLine(CommandLike().IsMatch(token)
                    ? $"error: unexpected argument '{token}'."
                    : "error: an unexpected argument (not shown: it may be a secret).");
            }
        }

        foreach (var error in parse.Errors.Where(e => !unexpected.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))))
        {
            stderr.WriteLine($"error: {error.Message}");
        }

        var command = CommandPath(parse.CommandResult);
        if (options.Any(o => SecretLike().IsMatch(o)))
        {
            stderr.WriteLine("hint: Maestro never takes API keys or tokens as arguments (the process list and shell history would show them): " +
                $"pipe the key in with --api-key-stdin, name a variable with --api-key-env VAR, or type it at the hidden prompt. See `{command} --help`.");
        }
        else
        {
            stderr.WriteLine(options.Count > 0
                ? $"hint: see `{command} --help` for its options; text that starts with \"--\" goes after a lone \"--\"."
                : $"hint: see `{command} --help`.");
        }

        return 1;
    }

    private static bool IsOption(string token) => token.Length > 1 && token[0] == '-';

    /// <summary>Words given to a command's own arguments that look like options, before any "--" that ends options.</summary>
    private static IEnumerable<string> OptionLikeArguments(ParseResult parse)
    {
        var literalFrom = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
        {
            var tokens = argument.Tokens;
            for (var i = 0; i < tokens.Count; i++)
            {
                var index = parse.Tokens.ToList().FindIndex(t => ReferenceEquals(t, tokens[i]));
                if (tokens[i].Value.StartsWith("--", StringComparison.Ordinal) && tokens[i].Value.Length > 2 && (literalFrom < 0 || index < literalFrom))
                {
                    yield return tokens[i].Value;
                    if (!tokens[i].Value.Contains('=', StringComparison.Ordinal) && i + 1 < tokens.Count && !IsOption(tokens[i + 1].Value))
                    {
                        yield return tokens[++i].Value; // Most likely its value: reported (unshown) with it.
                    }
                }
            }
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Insert(0, c.Command is RootCommand ? "maestro" : c.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    [GeneratedRegex("^[a-z][a-z-]{0,29}$")]
    private static partial Regex CommandLike();

    [GeneratedRegex("key|token|secret|password|passwd|credential|bearer", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLike();
}
