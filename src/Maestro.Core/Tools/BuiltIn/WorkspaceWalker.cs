namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Enumerates the files below a folder of the working directory for glob and grep, without leaving it: symbolic links
/// to folders are not followed (no escapes, no cycles), links to files count only when they resolve inside, and the
/// contents of <see cref="SkippedFolders"/> are left out unless the caller names them.
/// </summary>
internal sealed class WorkspaceWalker(WorkspacePath workspace, IReadOnlySet<string> allowedSkippedFolders, int maxFiles)
{
    private static readonly EnumerationOptions Enumeration = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
    };

    /// <summary>Set when the walk stopped at maxFiles files.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Files below <paramref name="folder"/> (a real path inside the workspace), in ordinal path order.</summary>
    public IEnumerable<FileInfo> Files(string folder, CancellationToken cancellationToken)
    {
        var visited = 0;
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(folder));
        while (pending.TryPop(out var current))
        {
            var entries = current.EnumerateFileSystemInfos("*", Enumeration).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            var subfolders = new List<DirectoryInfo>();
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
                if (entry is DirectoryInfo subfolder)
                {
                    if (!isLink && (!SkippedFolders.IsSkipped(entry.Name) || allowedSkippedFolders.Contains(entry.Name)))
                    {
                        subfolders.Add(subfolder);
                    }
                }
                else if (entry is FileInfo file && (!isLink || (workspace.IsInside(file.FullName) && File.Exists(file.FullName))))
                {
                    if (++visited > maxFiles)
                    {
                        Stopped = true;
                        yield break;
                    }

                    yield return file;
                }
            }

            // Pushed in reverse so they pop in order: a depth-first walk in ordinal order.
            for (var i = subfolders.Count - 1; i >= 0; i--)
            {
                pending.Push(subfolders[i]);
            }
        }
    }
}
