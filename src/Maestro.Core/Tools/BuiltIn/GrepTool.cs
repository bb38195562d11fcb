using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>grep: lines matching a .NET regular expression in the text files below a folder, as <c>path:line: text</c>.</summary>
public sealed class GrepTool : MaestroTool
{
    public const string ToolName = "grep";

    public const int MaxMatches = 200;

    public const int MaxContext = 10;

    public const long MaxFileBytes = 4 * 1024 * 1024;

    public const int MaxLineChars = 300;

    public const int MaxFilesVisited = 100_000;

    /// <summary>A pathological pattern (catastrophic backtracking) fails fast instead of hanging the turn.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    public override ToolDefinition Definition { get; } = new(
        ToolName,
        $"Searches the text files below a folder of the working directory (or one file) for lines matching a .NET regular " +
        $"expression, and returns them as `path:line: text` with paths relative to the working directory; context lines " +
        $"appear as `path-line- text` and groups are separated by `--`. Shows at most {MaxMatches} matching lines and says " +
        $"how many more there are. Skips binary files, files over {TextFiles.FormatSize(MaxFileBytes)}, the contents of " +
        $"{SkippedFolders.Listing} folders (unless path or glob names them) and symbolic links to folders. Lines longer " +
        $"than {MaxLineChars} characters are cut. Each line is matched on its own (no multi-line matches). Escape regex " +
        $"characters to search for literal text, e.g. \"Foo\\\\(\" for \"Foo(\".",
        ToolSchema.Parse($$"""
            {
              "type": "object",
              "properties": {
                "pattern": {
                  "type": "string",
                  "description": "A .NET regular expression, e.g. \"class \\\\w+Tool\" or \"TODO|FIXME\"."
                },
                "path": {
                  "type": "string",
                  "description": "The folder or file to search, relative to the working directory (default \".\")."
                },
                "glob": {
                  "type": "string",
                  "description": "Only search files matching this glob: without '/' it matches file names anywhere (\"*.cs\", \"*.{ts,tsx}\"); with '/' it matches paths relative to path (\"src/**/*.cs\")."
                },
                "case_insensitive": {
                  "type": "boolean",
                  "description": "Ignore letter case (default false)."
                },
                "context": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": {{MaxContext}},
                  "description": "Lines of context to show before and after each match (default 0)."
                }
              },
              "required": ["pattern"]
            }
            """),
        ToolEffect.ReadOnly);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var pattern = call.RequireString("pattern");
        var path = call.GetString("path") ?? ".";
        var glob = call.GetString("glob")?.Trim().Replace('\\', '/');
        var ignoreCase = call.GetBool("case_insensitive") ?? false;
        var contextLines = call.GetInt("context") ?? 0;
        if (pattern.Length == 0)
        {
            throw new ToolArgumentException("pattern", "is empty; pass a regular expression such as \"TODO\"");
        }

        if (contextLines is < 0 or > MaxContext)
        {
            throw new ToolArgumentException("context", $"must be between 0 and {MaxContext}");
        }

        if (glob is { Length: > 0 })
        {
            GlobPatterns.Check("glob", glob);
        }

        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ToolArgumentException("pattern", $"is not a valid .NET regular expression ({e.Message}); escape special characters such as ( [ . * with a backslash");
        }

        var search = new Search(regex, contextLines, context.Limits.MaxOutputChars);
        return await ToolFailures.GuardAsync(() => SearchAsync(search, path, glob is { Length: > 0 } ? glob : null, context, cancellationToken));
    }

    private static async Task<ToolResult> SearchAsync(Search search, string path, string? glob, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        var target = workspace.Resolve(path);
        var shownTarget = workspace.ToRelative(target);
        IEnumerable<FileInfo> files;
        WorkspaceWalker? walker = null;
        if (File.Exists(target))
        {
            files = [new FileInfo(target)];
        }
        else if (Directory.Exists(target))
        {
            var matcher = glob is null ? null : GlobPatterns.Compile(glob.Contains('/', StringComparison.Ordinal) ? glob : "**/" + glob);
            walker = new WorkspaceWalker(workspace, glob is null ? new HashSet<string>() : GlobPatterns.NamedFolders(glob), MaxFilesVisited);
            files = walker.Files(target, cancellationToken).Where(f => matcher is null || matcher.Match(Path.GetRelativePath(target, f.FullName)).HasMatches);
        }
        else
        {
            return ToolResult.Error($"'{shownTarget}' does not exist. Pass an existing folder or file as path, or leave it out to search the working directory.");
        }

        try
        {
            foreach (var file in files)
            {
                await search.FileAsync(file, workspace.ToRelative(file.FullName), cancellationToken);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return ToolResult.Error($"The pattern took longer than {MatchTimeout.TotalSeconds:0} s on one line of '{search.CurrentFile}'. Simplify it (avoid nested quantifiers such as (a+)+) or narrow path or glob.");
        }

        return search.Report(shownTarget, glob, walker?.Stopped ?? false);
    }

    /// <summary>The state of one search: matches shown, matches counted, files skipped.</summary>
    private sealed class Search(Regex regex, int contextLines, int maxChars)
    {
        private readonly StringBuilder _text = new();
        private int _shown;
        private int _total;
        private int _filesWithMatches;
        private int _filesSearched;
        private readonly List<string> _skippedLarge = [];

        public string CurrentFile { get; private set; } = "";

        private bool Full => _shown >= MaxMatches || _text.Length >= maxChars;

        public async Task FileAsync(FileInfo file, string shown, CancellationToken cancellationToken)
        {
            CurrentFile = shown;
            if (file.Length > MaxFileBytes)
            {
                _skippedLarge.Add(shown);
                return;
            }

            if (file.Length == 0 || TextFiles.LooksBinary(file.FullName))
            {
                return;
            }

            _filesSearched++;
            using var reader = new StreamReader(file.FullName, Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
                new FileStreamOptions { Access = FileAccess.Read, Share = FileShare.ReadWrite, Options = FileOptions.SequentialScan });
            var lines = new BoundedLineReader(reader, MaxFileBytes < int.MaxValue ? (int)MaxFileBytes : int.MaxValue);
            var before = new Queue<(int Number, string Text)>();
            var lineNumber = 0;
            var lastPrinted = 0;
            var afterLeft = 0;
            var matchedHere = false;
            while (await lines.ReadLineAsync(cancellationToken) is (var line, _))
            {
                lineNumber++;
                var isMatch = regex.IsMatch(line);
                if (isMatch)
                {
                    _total++;
                    if (!matchedHere)
                    {
                        matchedHere = true;
                        _filesWithMatches++;
                    }
                }

                if (isMatch && !Full)
                {
                    // With context, separate groups that do not touch (and files) by "--", as grep does.
                    var first = before.Count > 0 ? before.Peek().Number : lineNumber;
                    if (contextLines > 0 && _text.Length > 0 && (lastPrinted == 0 || first > lastPrinted + 1))
                    {
                        _text.Append("--\n");
                    }

                    while (before.TryDequeue(out var previous))
                    {
                        Append(shown, previous.Number, '-', previous.Text);
                    }

                    Append(shown, lineNumber, ':', line);
                    _shown++;
                    lastPrinted = lineNumber;
                    afterLeft = contextLines;
                }
                else if (afterLeft > 0 && !isMatch)
                {
                    Append(shown, lineNumber, '-', line);
                    lastPrinted = lineNumber;
                    afterLeft--;
                }
                else if (contextLines > 0)
                {
                    before.Enqueue((lineNumber, line));
                    if (before.Count > contextLines)
                    {
                        before.Dequeue();
                    }
                }
            }
        }

        public ToolResult Report(string shownTarget, string? glob, bool walkStopped)
        {
            var where = shownTarget == "." ? "the working directory" : $"'{shownTarget}'";
            var filter = glob is null ? "" : $" (files matching '{glob}')";
            var notes = new StringBuilder();
            if (_total > _shown)
            {
                notes.Append($"[{_total - _shown:N0} more matching lines not shown ({_total:N0} in {TextFiles.Plural(_filesWithMatches, "file")}). Narrow the pattern, path or glob.]\n");
            }

            if (_skippedLarge.Count > 0)
            {
                notes.Append($"[Skipped {TextFiles.Plural(_skippedLarge.Count, "file")} over {TextFiles.FormatSize(MaxFileBytes)}: " +
                    $"{string.Join(", ", _skippedLarge.Take(5))}{(_skippedLarge.Count > 5 ? ", …" : "")}. Search them with shell (grep -n) if needed.]\n");
            }

            if (walkStopped)
            {
                notes.Append($"[The search stopped after {MaxFilesVisited:N0} files; pass a narrower path or glob.]\n");
            }

            var summary = $"{TextFiles.Plural(_total, "match", "matches")} in {TextFiles.Plural(_filesWithMatches, "file")}";
            var details = new Dictionary<string, object?> { ["matches"] = _total, ["shown"] = _shown, ["files"] = _filesWithMatches };
            if (_total == 0)
            {
                return new ToolResult(
                    $"No matches for /{regex}/ in {where}{filter} ({TextFiles.Plural(_filesSearched, "text file")} searched). " +
                    "Check the pattern (it is a regular expression; case-sensitive unless case_insensitive is true) or widen path or glob." +
                    (notes.Length > 0 ? "\n" + notes.ToString().TrimEnd('\n') : ""),
                    Summary: summary, Details: details);
            }

            return new ToolResult((_text.ToString() + notes).TrimEnd('\n'), Summary: summary, Details: details);
        }

        private void Append(string path, int number, char separator, string line)
        {
            var cut = line.Length > MaxLineChars ? string.Concat(line.AsSpan(0, MaxLineChars), " …") : line;
            _text.Append(path).Append(separator).Append(number).Append(separator).Append(' ').Append(cut).Append('\n');
        }
    }
}
