using System.CommandLine;
using System.Text.RegularExpressions;

namespace Maestro.Cli;

/// <summary>
/// How the user runs Maestro, so hints print commands they can paste: `./maestro` from a clone, `maestro` once
/// installed on PATH. The launcher script passes the name it was run as in MAESTRO_INVOKED_AS; a process started any
/// other way (a published binary, `dotnet maestro.dll`) is `maestro`.
/// </summary>
public static partial class Invocation
{
    public static string Name { get; private set; } = "maestro";

    public static void Configure(string? invokedAs)
    {
        Name = string.IsNullOrWhiteSpace(invokedAs) ? "maestro" : invokedAs.Trim();
    }

    /// <summary>A command line to suggest, e.g. <c>Command("session list")</c> → <c>./maestro session list</c>.</summary>
    public static string Command(string arguments) => $"{Name} {arguments}";

    /// <summary>Rewrites the commands that texts from elsewhere (error hints, help) suggest as `maestro …`.</summary>
    public static string Rewrite(string text) =>
        Name == "maestro" || !text.Contains("maestro ", StringComparison.Ordinal) ? text : Suggested().Replace(text, Name.Replace("$", "$$", StringComparison.Ordinal) + " ");

    /// <summary>Rewrites every description in the command tree, so `--help` suggests commands the same way.</summary>
    public static void RewriteHelp(Command command)
    {
        if (Name == "maestro")
        {
            return;
        }

        command.Description = command.Description is { } d ? Rewrite(d) : null;
        foreach (var option in command.Options)
        {
            option.Description = option.Description is { } o ? Rewrite(o) : null;
        }

        foreach (var argument in command.Arguments)
        {
            argument.Description = argument.Description is { } a ? Rewrite(a) : null;
        }

        foreach (var sub in command.Subcommands)
        {
            RewriteHelp(sub);
        }
    }

    // "maestro " as a command word: not inside a path, URL or another word (maestro.dll, ~/.local/share/maestro).
    [GeneratedRegex(@"(?<![\w./~-])maestro (?=[a-z<])", RegexOptions.CultureInvariant)]
    private static partial Regex Suggested();
}
