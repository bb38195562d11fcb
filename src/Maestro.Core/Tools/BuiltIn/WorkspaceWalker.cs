using Microsoft.Win32.SafeHandles;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Enumerates the files below a folder of the working directory for glob and grep, without leaving it: symbolic links
/// to folders are not followed (no escapes, no cycles), links to files count only when they resolve inside, and the
/// contents of <see cref="SkippedFolders"/> are left out unless the caller names them. Each folder is opened through
/// <see cref="ConfinedFiles"/> and listed from its open handle, so a folder swapped for a link meanwhile is not entered.
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
    public IEnumerable<WorkspaceFile> Files(string folder, CancellationToken cancellationToken)
    {
        var visited = 0;
        var pending = new Stack<(SafeFileHandle Handle, string Path)>();
        pending.Push((ConfinedFiles.OpenFolder(workspace, folder), folder));
        try
        {
            while (pending.TryPop(out var current))
            {
                using var handle = current.Handle;
                var entries = new DirectoryInfo(ConfinedFiles.EnumerationPath(handle)).EnumerateFileSystemInfos("*", Enumeration)
                    .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
                var subfolders = new List<(SafeFileHandle, string)>();
                foreach (var entry in entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var path = Path.Join(current.Path, entry.Name);
                    var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
                    if (entry is DirectoryInfo)
                    {
                        if (!isLink && (!SkippedFolders.IsSkipped(entry.Name) || allowedSkippedFolders.Contains(entry.Name)) &&
                            ConfinedFiles.TryOpenSubfolder(handle, entry.Name) is { } subfolder)
                        {
                            subfolders.Add((subfolder, path));
                        }
                    }
                    else if (entry is FileInfo file && (!isLink || (workspace.IsInside(path) && File.Exists(path))))
                    {
                        if (++visited > maxFiles)
                        {
                            Stopped = true;
                            foreach (var (unused, _) in subfolders)
                            {
                                unused.Dispose();
                            }

                            yield break;
                        }

                        yield return new WorkspaceFile(path, file);
                    }
                }

                // Pushed in reverse so they pop in order: a depth-first walk in ordinal order.
                for (var i = subfolders.Count - 1; i >= 0; i--)
                {
                    pending.Push(subfolders[i]);
                }
            }
        }
        finally
        {
            while (pending.TryPop(out var left))
            {
                left.Handle.Dispose();
            }
        }
    }
}

/// <summary>A file found by <see cref="WorkspaceWalker"/>: its path in the working directory, and what the listing said of it.</summary>
internal sealed record WorkspaceFile(string Path, FileInfo Info);
