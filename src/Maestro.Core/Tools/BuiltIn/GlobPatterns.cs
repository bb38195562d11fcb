using Microsoft.Extensions.FileSystemGlobbing;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>Glob patterns as the model writes them (with "{a,b}" alternatives), checked to stay below their folder.</summary>
internal static class GlobPatterns
{
    private static readonly char[] Wildcards = ['*', '?', '[', '{'];

    /// <summary>Refuses patterns that climb out ("..") or are absolute; the caller passes a folder instead.</summary>
    public static void Check(string argument, string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ToolArgumentException(argument, "is empty; pass a glob such as \"**/*.cs\"");
        }

        if (pattern.Replace('\\', '/').Split('/').Contains(".."))
        {
            throw new ToolArgumentException(argument,
                $"'{pattern}' contains '..'; patterns only match below the folder they start from. Pass that folder as 'path' " +
                "instead (it must be inside the working directory)");
        }

        if (pattern.StartsWith('/'))
        {
            throw new ToolArgumentException(argument,
                $"'{pattern}' is absolute; patterns are relative to 'path' (default: the working directory), e.g. \"src/**/*.cs\"");
        }
    }

    /// <summary>A matcher for the pattern and its "{a,b}" alternatives, case-sensitive like the file system.</summary>
    public static Matcher Compile(string pattern)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var alternative in ExpandBraces(pattern))
        {
            matcher.AddInclude(alternative);
        }

        return matcher;
    }

    /// <summary>The folder segments before the first wildcard: "src/app/**/*.ts" starts its walk at "src/app".</summary>
    public static (string Prefix, string Remainder) SplitLiteralPrefix(string pattern)
    {
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literal = 0;
        while (literal < segments.Length - 1 && segments[literal].IndexOfAny(Wildcards) < 0)
        {
            literal++;
        }

        return (string.Join('/', segments[..literal]), string.Join('/', segments[literal..]));
    }

    /// <summary>Literal folder names in the pattern, so "node_modules/foo/**" still looks inside node_modules.</summary>
    public static IReadOnlySet<string> NamedFolders(string pattern) =>
        pattern.Split(['/', '{', '}', ','], StringSplitOptions.RemoveEmptyEntries).Where(SkippedFolders.IsSkipped).ToHashSet(StringComparer.Ordinal);

    internal static IEnumerable<string> ExpandBraces(string pattern)
    {
        var open = pattern.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return [pattern];
        }

        var depth = 0;
        var alternatives = new List<string>();
        var start = open + 1;
        for (var i = open; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '{':
                    depth++;
                    break;
                case '}' when --depth == 0:
                    alternatives.Add(pattern[start..i]);
                    var head = pattern[..open];
                    var tail = pattern[(i + 1)..];
                    return alternatives.SelectMany(a => ExpandBraces(head + a + tail)).Distinct(StringComparer.Ordinal);
                case ',' when depth == 1:
                    alternatives.Add(pattern[start..i]);
                    start = i + 1;
                    break;
            }
        }

        // An unbalanced brace is taken literally.
        return [pattern];
    }
}
