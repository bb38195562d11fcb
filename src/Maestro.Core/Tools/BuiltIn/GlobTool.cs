using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>glob: files matching a pattern, newest first, as paths relative to the working directory.</summary>
public sealed class GlobTool : MaestroTool
{
    public const string ToolName = "glob";

    public const int MaxResults = 200;

    /// <summary>Bounds the walk in a huge tree; the answer says so when it was reached.</summary>
    public const int MaxFilesVisited = 100_000;

    public override ToolDefinition Definition { get; } = new(
        ToolName,
        $"Finds files by name pattern below a folder of the working directory and returns their paths relative to the " +
        $"working directory, most recently modified first (at most {MaxResults}). Patterns: `*` matches within one folder " +
        $"name, `**` any number of folders, `{{a,b}}` either alternative; e.g. \"**/*.cs\", \"src/**/*.{{ts,tsx}}\", " +
        $"\"*.md\" (top level only). Matching is case-sensitive. The contents of {SkippedFolders.Listing} folders are " +
        $"skipped unless the pattern names the folder, and symbolic links to folders are not followed. Patterns cannot " +
        $"contain '..' or start with '/': set `path` to search another folder inside the working directory.",
        ToolSchema.Parse("""
            {
              "type": "object",
              "properties": {
                "pattern": {
                  "type": "string",
                  "description": "The glob to match, relative to path, e.g. \"src/**/*.cs\"."
                },
                "path": {
                  "type": "string",
                  "description": "The folder to search, relative to the working directory (default \".\")."
                }
              },
              "required": ["pattern"]
            }
            """),
        ToolEffect.ReadOnly);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var pattern = call.RequireString("pattern").Trim().Replace('\\', '/');
        var path = call.GetString("path") ?? ".";
        GlobPatterns.Check("pattern", pattern);
        return await ToolFailures.GuardAsync(() => Task.Run(() => Find(pattern, path, context, cancellationToken), cancellationToken));
    }

    private static ToolResult Find(string pattern, string path, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        var folder = workspace.Resolve(path);
        var shownFolder = workspace.ToRelative(folder);
        if (!Directory.Exists(folder))
        {
            return ToolResult.Error(File.Exists(folder)
                ? $"'{shownFolder}' is a file; path must be a folder. Put the file name in the pattern instead."
                : $"'{shownFolder}' does not exist. Pass an existing folder as path, or leave it out to search the working directory.");
        }

        // Start the walk where the pattern's fixed folders lead; that folder is confined like any other path.
        var (prefix, rest) = GlobPatterns.SplitLiteralPrefix(pattern);
        var start = prefix.Length == 0 ? folder : workspace.Resolve(Path.Join(folder, prefix), "pattern");
        var matcher = GlobPatterns.Compile(rest);
        var walker = new WorkspaceWalker(workspace, GlobPatterns.NamedFolders(pattern), MaxFilesVisited);
        var matches = new List<(string Path, DateTime Modified)>();
        if (Directory.Exists(start))
        {
            foreach (var file in walker.Files(start, cancellationToken))
            {
                if (matcher.Match(Path.GetRelativePath(start, file.FullName)).HasMatches)
                {
                    matches.Add((workspace.ToRelative(file.FullName), file.LastWriteTimeUtc));
                }
            }
        }

        var where = shownFolder == "." ? "the working directory" : $"'{shownFolder}'";
        if (matches.Count == 0)
        {
            return new ToolResult(
                $"No files match '{pattern}' in {where}." +
                (pattern.Contains('/', StringComparison.Ordinal) || pattern.StartsWith("**", StringComparison.Ordinal)
                    ? " Check the folder names, or try a broader pattern."
                    : $" '{pattern}' matches only at the top level; use '**/{pattern}' to search every folder.") +
                (walker.Stopped ? $" The search stopped after {MaxFilesVisited:N0} files; pass a narrower path." : ""),
                Summary: $"{pattern}: no files");
        }

        var ordered = matches
            .OrderByDescending(m => m.Modified)
            .ThenBy(m => m.Path, StringComparer.Ordinal)
            .Take(MaxResults)
            .ToList();
        var text = new StringBuilder();
        var shown = 0;
        foreach (var (file, _) in ordered)
        {
            if (text.Length + file.Length > context.Limits.MaxOutputChars)
            {
                break;
            }

            text.Append(file).Append('\n');
            shown++;
        }

        if (shown < matches.Count)
        {
            text.Append($"[Showing the {shown} most recently modified of {matches.Count:N0} matching files. Narrow the pattern or path to see others.]\n");
        }

        if (walker.Stopped)
        {
            text.Append($"[The search stopped after {MaxFilesVisited:N0} files; there may be more matches. Pass a narrower path.]\n");
        }

        return new ToolResult(text.ToString().TrimEnd('\n'),
            Summary: $"{pattern}: {TextFiles.Plural(matches.Count, "file")}",
            Details: new Dictionary<string, object?> { ["matches"] = matches.Count, ["shown"] = shown });
    }
}
