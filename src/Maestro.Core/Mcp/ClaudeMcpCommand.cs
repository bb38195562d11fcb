using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Core.Errors;

namespace Maestro.Core.Mcp;

/// <summary>
/// Reads Claude Code's <c>claude mcp add [--transport stdio|http|sse] [-e KEY=VALUE]... [-H "Name: value"]... [-s scope]
/// &lt;name&gt; [--] &lt;command-or-url&gt; [args...]</c> and <c>claude mcp add-json [-s scope] &lt;name&gt; '&lt;json&gt;'</c>, one
/// command per line (or separated by ';' / '&amp;&amp;'), split like a POSIX shell would (<see cref="ShellWords"/>).
/// </summary>
public static partial class ClaudeMcpCommand
{
    /// <exception cref="ValidationFailedException">A quote is not closed, or there is no command at all.</exception>
    public static IReadOnlyList<McpImportCandidate> Parse(string text)
    {
        IReadOnlyList<IReadOnlyList<string>> commands;
        try
        {
            commands = ShellWords.SplitCommands(text);
        }
        catch (FormatException ex)
        {
            throw new ValidationFailedException("command", ex.Message);
        }

        if (commands.Count == 0)
        {
            throw new ValidationFailedException("command", "No command given: expected `claude mcp add <name> -- <command> [args...]`.");
        }

        return [.. commands.Select((words, index) => ParseOne(words, commands.Count == 1 ? "command" : $"command {index + 1}"))];
    }

    private static McpImportCandidate ParseOne(IReadOnlyList<string> words, string label)
    {
        var i = 0;
        if (i < words.Count && words[i] is "claude" or "claude.exe" or "npx")
        {
            i++;
            if (i < words.Count && words[i] == "@anthropic-ai/claude-code" && words[i - 1] == "npx")
            {
                i++;
            }
        }

        if (i < words.Count && words[i] == "mcp")
        {
            i++;
        }

        var verb = i < words.Count ? words[i++] : null;
        return verb switch
        {
            "add" => ParseAdd(words, i, label),
            "add-json" => ParseAddJson(words, i, label),
            _ => McpImportCandidate.Invalid(label,
                $"not a `claude mcp add` or `claude mcp add-json` command: '{string.Join(' ', words.Take(4))}'."),
        };
    }

    private static McpImportCandidate ParseAdd(IReadOnlyList<string> words, int start, string label)
    {
        string? transport = null;
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        var notes = new List<string>();
        var afterDoubleDash = false;

        for (var i = start; i < words.Count; i++)
        {
            var word = words[i];
            if (afterDoubleDash || (positional.Count >= 2 && !IsUrl(positional[1])))
            {
                // After a command come its own arguments (npx -y pkg); after a URL, options may still follow.
                positional.Add(word);
                continue;
            }

            if (word == "--")
            {
                afterDoubleDash = true;
                continue;
            }

            if (!word.StartsWith('-') || word == "-")
            {
                positional.Add(word);
                continue;
            }

            var (option, inline) = SplitOption(word);
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= words.Count)
                {
                    throw new FormatException($"{option} needs a value.");
                }

                return words[++i];
            }

            try
            {
                switch (option)
                {
                    case "-t" or "--transport":
                        transport = Value();
                        break;
                    case "-s" or "--scope":
                        var scope = Value();
                        notes.Add($"scope '{scope}' ignored: Maestro's MCP servers are shared by all its sessions");
                        break;
                    case "-e" or "--env":
                        AddEnv(env, Value());
                        // Claude Code's -e takes several values: -e A=1 B=2.
                        while (inline is null && i + 1 < words.Count && EnvAssignment().IsMatch(words[i + 1]))
                        {
                            AddEnv(env, words[++i]);
                        }

                        break;
                    case "-H" or "--header":
                        AddHeader(headers, Value());
                        while (inline is null && i + 1 < words.Count && HeaderLine().IsMatch(words[i + 1]))
                        {
                            AddHeader(headers, words[++i]);
                        }

                        break;
                    case "--client-id" or "--client-secret" or "--callback-port":
                        return McpImportCandidate.Invalid(NameOr(positional, label),
                            $"{option}: OAuth logins to MCP servers are not supported; send a token with -H \"Authorization: Bearer <token>\" instead.");
                    default:
                        return McpImportCandidate.Invalid(NameOr(positional, label), $"unknown option {option}.");
                }
            }
            catch (FormatException ex)
            {
                return McpImportCandidate.Invalid(NameOr(positional, label), ex.Message);
            }
        }

        if (positional.Count == 0)
        {
            return McpImportCandidate.Invalid(label, "no server name: expected `claude mcp add <name> -- <command> [args...]`.");
        }

        var name = positional[0];
        if (positional.Count == 1)
        {
            return McpImportCandidate.Invalid(name, "no command or URL after the name.");
        }

        var target = positional[1];
        var resolved = transport is null ? null : McpTransportNames.TryParse(transport);
        if (transport is not null && resolved is null)
        {
            return McpImportCandidate.Invalid(name, $"unknown transport '{transport}': use stdio, http or sse.");
        }

        if (resolved is null && IsUrl(target))
        {
            resolved = McpTransport.Http;
            notes.Add("no --transport given: the URL is taken as streamable HTTP");
        }

        if (resolved is McpTransport.Http or McpTransport.Sse)
        {
            if (positional.Count > 2)
            {
                return McpImportCandidate.Invalid(name, $"a {resolved.Value.ToWire()} server takes a URL and no arguments (got '{string.Join(' ', positional.Skip(2))}').");
            }

            return new McpImportCandidate(name, new McpServerSpec
            {
                Name = name,
                Transport = resolved.Value.ToWire(),
                Url = target,
                Headers = headers.Count > 0 ? headers : null,
                Env = env.Count > 0 ? env : null,
            }, null, notes);
        }

        return new McpImportCandidate(name, new McpServerSpec
        {
            Name = name,
            Transport = "stdio",
            Command = target,
            Args = positional.Skip(2).ToArray(),
            Env = env.Count > 0 ? env : null,
            Headers = headers.Count > 0 ? headers : null,
        }, null, notes);
    }

    private static McpImportCandidate ParseAddJson(IReadOnlyList<string> words, int start, string label)
    {
        var positional = new List<string>();
        var notes = new List<string>();
        for (var i = start; i < words.Count; i++)
        {
            var (option, inline) = SplitOption(words[i]);
            if (option is "-s" or "--scope")
            {
                var scope = inline ?? (i + 1 < words.Count ? words[++i] : null);
                notes.Add($"scope '{scope}' ignored: Maestro's MCP servers are shared by all its sessions");
            }
            else if (option == "--client-secret")
            {
                return McpImportCandidate.Invalid(NameOr(positional, label), "--client-secret: OAuth logins to MCP servers are not supported.");
            }
            else if (words[i].StartsWith('-') && words[i].Length > 1 && positional.Count < 1)
            {
                return McpImportCandidate.Invalid(NameOr(positional, label), $"unknown option {option}.");
            }
            else
            {
                positional.Add(words[i]);
            }
        }

        if (positional.Count != 2)
        {
            return McpImportCandidate.Invalid(NameOr(positional, label), "expected `claude mcp add-json <name> '<json>'` (the JSON quoted as one argument).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(positional[1]);
        }
        catch (JsonException ex)
        {
            return McpImportCandidate.Invalid(positional[0], $"the JSON is not valid: {ex.Message}");
        }

        using (document)
        {
            var candidate = McpJsonImport.FromEntry(positional[0], document.RootElement);
            return candidate with { Notes = [.. notes, .. candidate.Notes] };
        }
    }

    private static (string Option, string? Inline) SplitOption(string word)
    {
        if (word.StartsWith("--", StringComparison.Ordinal) && word.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
        {
            return (word[..eq], word[(eq + 1)..]);
        }

        // Short options may carry their value attached: -eKEY=VALUE, -tsse.
        if (word.Length > 2 && word[0] == '-' && word[1] is 'e' or 'H' or 't' or 's')
        {
            return (word[..2], word[2..]);
        }

        return (word, null);
    }

    private static void AddEnv(Dictionary<string, string?> env, string assignment)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new FormatException($"-e expects KEY=VALUE, got '{assignment}'.");
        }

        env[assignment[..eq]] = assignment[(eq + 1)..];
    }

    private static void AddHeader(Dictionary<string, string?> headers, string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"-H expects \"Name: value\", got '{line}'.");
        }

        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
    }

    private static string NameOr(List<string> positional, string label) => positional.Count > 0 ? positional[0] : label;

    private static bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex EnvAssignment();

    // "Name: value", but not a URL ("http://…"), which also has a colon.
    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+:(?!//)")]
    private static partial Regex HeaderLine();
}
