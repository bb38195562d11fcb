using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>list_dir: a bounded, indented listing of a folder inside the working directory.</summary>
public sealed class ListDirTool : MaestroTool
{
    public const string ToolName = "list_dir";

    public const int MaxDepth = 5;

    public const int MaxEntries = 500;

    private static readonly EnumerationOptions Enumeration = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
    };

    public override ToolDefinition Definition { get; } = new(
        ToolName,
        $"Lists a folder inside the working directory: one entry per line, indented by level, folders ending in '/', files " +
        $"with their size, symbolic links with their target. depth 1 (the default) lists the folder itself; up to {MaxDepth} " +
        $"descends into subfolders. The contents of {SkippedFolders.Listing} folders are not listed (list them by path if " +
        $"needed), and symbolic links to folders are not followed. At most {MaxEntries} entries are shown. Paths are " +
        $"relative to the working directory (\".\" is the working directory itself).",
        ToolSchema.Parse($$"""
            {
              "type": "object",
              "properties": {
                "path": {
                  "type": "string",
                  "description": "The folder to list, relative to the working directory (default \".\")."
                },
                "depth": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": {{MaxDepth}},
                  "description": "How many levels to list (default 1: just this folder's entries)."
                }
              }
            }
            """),
        ToolEffect.ReadOnly);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var path = call.GetString("path") ?? ".";
        var depth = call.GetInt("depth") ?? 1;
        if (depth is < 1 or > MaxDepth)
        {
            throw new ToolArgumentException("depth", $"must be between 1 and {MaxDepth}");
        }

        return await ToolFailures.GuardAsync(() => Task.Run(() => List(path, depth, context, cancellationToken), cancellationToken));
    }

    private static ToolResult List(string path, int depth, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        var folder = workspace.Resolve(path);
        var shown = workspace.ToRelative(folder);
        if (File.Exists(folder))
        {
            return ToolResult.Error($"'{shown}' is a file, not a folder. Use read_file to read it.");
        }

        if (!Directory.Exists(folder))
        {
            return ToolResult.Error($"'{shown}' does not exist. List its parent folder or use glob to find the right path.");
        }

        var listing = new Listing(context.Limits.MaxOutputChars, cancellationToken);
        listing.Walk(new DirectoryInfo(folder), level: 0, depth);

        var links = listing.Links > 0 ? $", {TextFiles.Plural(listing.Links, "symbolic link")}" : "";
        var text = new StringBuilder($"{(shown == "." ? "./" : shown + "/")} ({TextFiles.Plural(listing.Folders, "folder")}, {TextFiles.Plural(listing.Files, "file")}{links} listed)\n");
        text.Append(listing.Text);
        if (listing.Stopped)
        {
            text.Append($"[Listing stopped after {TextFiles.Plural(listing.Entries, "entry", "entries")}. List a subfolder or use a smaller depth.]\n");
        }

        if (listing.Entries == 0)
        {
            text.Append("(empty folder)\n");
        }

        return new ToolResult(text.ToString().TrimEnd('\n'),
            Summary: $"{shown}: {TextFiles.Plural(listing.Entries, "entry", "entries")}",
            Details: new Dictionary<string, object?> { ["path"] = shown, ["entries"] = listing.Entries, ["truncated"] = listing.Stopped });
    }

    private sealed class Listing(int maxChars, CancellationToken cancellationToken)
    {
        public StringBuilder Text { get; } = new();

        public int Entries { get; private set; }

        public int Folders { get; private set; }

        public int Files { get; private set; }

        public int Links { get; private set; }

        public bool Stopped { get; private set; }

        public void Walk(DirectoryInfo folder, int level, int depth)
        {
            // Folders first, then files, each by ordinal name: the same answer every time.
            var entries = folder.EnumerateFileSystemInfos("*", Enumeration)
                .OrderBy(e => e is DirectoryInfo && !IsLink(e) ? 0 : 1)
                .ThenBy(e => e.Name, StringComparer.Ordinal);
            var indent = new string(' ', 2 * (level + 1));
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Entries >= MaxEntries || Text.Length > maxChars)
                {
                    Stopped = true;
                    return;
                }

                Entries++;
                if (IsLink(entry))
                {
                    Links++;
                    Text.Append($"{indent}{entry.Name} -> {entry.LinkTarget} (symbolic link)\n");
                }
                else if (entry is DirectoryInfo subfolder)
                {
                    Folders++;
                    if (SkippedFolders.IsSkipped(entry.Name))
                    {
                        Text.Append($"{indent}{entry.Name}/ (contents not listed)\n");
                        continue;
                    }

                    Text.Append($"{indent}{entry.Name}/\n");
                    if (level + 1 < depth)
                    {
                        Walk(subfolder, level + 1, depth);
                        if (Stopped)
                        {
                            return;
                        }
                    }
                }
                else
                {
                    Files++;
                    Text.Append($"{indent}{entry.Name} ({TextFiles.FormatSize(((FileInfo)entry).Length)})\n");
                }
            }
        }

        private static bool IsLink(FileSystemInfo entry) => entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
    }
}
