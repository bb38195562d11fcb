using System.Globalization;
using System.Runtime.InteropServices;
using Maestro.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Opens, lists and replaces what <see cref="WorkspacePath.Resolve"/> checked, without the race between the check and
/// the use: every folder on the way is opened with <c>openat(O_DIRECTORY | O_NOFOLLOW)</c> relative to the one before,
/// starting at the working directory itself, and the file with <c>O_NOFOLLOW</c> relative to its folder. A symbolic
/// link that another process swaps in meanwhile — a folder replaced by a link to /etc — makes the open fail instead of
/// being followed, so what is read, listed or written is inside the working directory whatever happens around it.
/// Writes go to a temporary file in the verified folder, renamed over the target relative to that folder
/// (<c>renameat</c>), so a watcher never sees half a file and nothing lands outside.
/// </summary>
/// <remarks>Hard links to outside files stay possible: a hard link is a file like any other (see the README's tools section).</remarks>
internal static class ConfinedFiles
{
    /// <summary>The verified folder that holds <paramref name="realFolder"/> (a real path inside the working directory).</summary>
    /// <param name="create">Create missing folders on the way (each one inside the one before).</param>
    public static SafeFileHandle OpenFolder(WorkspacePath workspace, string realFolder, bool create = false)
    {
        var fd = NativeMethods.Open(workspace.Root, NativeMethods.ORdOnly | NativeMethods.ODirectory | NativeMethods.OCloExec, 0);
        if (fd < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), workspace.Root, workspace);
        }

        var folder = new SafeFileHandle(fd, ownsHandle: true);
        if (RealPath(folder) is { } real && real != workspace.Root)
        {
            folder.Dispose();
            throw Changed(workspace.Root, workspace);
        }

        var relative = Path.GetRelativePath(workspace.Root, realFolder);
        if (relative == ".")
        {
            return folder;
        }

        var reached = workspace.Root;
        foreach (var name in relative.Split('/'))
        {
            reached = Path.Join(reached, name);
            var next = OpenChild(folder, name);
            if (next < 0 && Marshal.GetLastPInvokeError() == NativeMethods.ENoEnt && create)
            {
                if (NativeMethods.MkdirAt(Fd(folder), name, 0x1FF) != 0 && Marshal.GetLastPInvokeError() != NativeMethods.EExist)
                {
                    var error = Marshal.GetLastPInvokeError();
                    folder.Dispose();
                    throw Failure(error, reached, workspace);
                }

                next = OpenChild(folder, name);
            }

            if (next < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                folder.Dispose();
                throw Failure(error, reached, workspace);
            }

            folder.Dispose();
            folder = new SafeFileHandle(next, ownsHandle: true);
        }

        return folder;
    }

    /// <summary>A subfolder of a verified folder, or null when it is not a plain folder (any more).</summary>
    public static SafeFileHandle? TryOpenSubfolder(SafeFileHandle folder, string name)
    {
        var fd = OpenChild(folder, name);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// A path that names the verified folder itself (the kernel's link to the open folder), for enumerating it: the
    /// entries are the folder's, whatever its name leads to now.
    /// </summary>
    public static string EnumerationPath(SafeFileHandle folder) => $"/proc/self/fd/{Fd(folder).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Opens a regular file inside the working directory for reading. <paramref name="path"/> may go through symbolic
    /// links that stay inside (they are resolved first, as <see cref="WorkspacePath.Resolve"/> does).
    /// </summary>
    /// <exception cref="MaestroException">It leads outside, changed while being opened, or is not a regular file.</exception>
    public static FileStream OpenRead(WorkspacePath workspace, string path)
    {
        var real = Resolve(workspace, path);
        using var folder = OpenFolder(workspace, Path.GetDirectoryName(real)!);
        var fd = NativeMethods.OpenAt(Fd(folder), Path.GetFileName(real), NativeMethods.ORdOnly | NativeMethods.ONoFollow | NativeMethods.ONonBlock | NativeMethods.OCloExec, 0);
        if (fd < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), real, workspace);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // A pipe or a device (swapped in, or there all along) could block a read forever; a folder cannot be read.
            if (Directory.Exists(EnumerationPath(handle)))
            {
                throw new MaestroException($"'{workspace.ToRelative(real)}' is a folder, not a file.");
            }

            var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            if (!stream.CanSeek)
            {
                stream.Dispose();
                throw new MaestroException($"'{workspace.ToRelative(real)}' is not a regular file (a pipe or a device); only files can be read.");
            }

            return stream;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces (or creates) a file all at once, inside the working directory: the bytes go to a temporary file in the
    /// verified folder, which is then renamed over the file. An existing file keeps its permissions. Missing folders
    /// on the way are created.
    /// </summary>
    public static async Task WriteAtomicallyAsync(WorkspacePath workspace, string realPath, byte[] bytes, CancellationToken cancellationToken)
    {
        var real = Resolve(workspace, realPath);
        var name = Path.GetFileName(real);
        using var folder = OpenFolder(workspace, Path.GetDirectoryName(real)!, create: true);

        UnixFileMode? mode = null;
        var existing = NativeMethods.OpenAt(Fd(folder), name, NativeMethods.ORdOnly | NativeMethods.ONoFollow | NativeMethods.ONonBlock | NativeMethods.OCloExec, 0);
        if (existing >= 0)
        {
            using var handle = new SafeFileHandle(existing, ownsHandle: true);
            mode = File.GetUnixFileMode(handle);
        }
        else if (Marshal.GetLastPInvokeError() != NativeMethods.ENoEnt)
        {
            throw Failure(Marshal.GetLastPInvokeError(), real, workspace);
        }

        var temporary = $".{name}.{Guid.NewGuid():N}.maestro-tmp";
        var fd = NativeMethods.OpenAt(Fd(folder), temporary,
            NativeMethods.OWrOnly | NativeMethods.OCreat | NativeMethods.OExcl | NativeMethods.ONoFollow | NativeMethods.OCloExec, 0x1B6);
        if (fd < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), Path.Join(Path.GetDirectoryName(real), temporary), workspace);
        }

        try
        {
            await using (var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0))
            {
                await stream.WriteAsync(bytes, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                if (mode is { } keep)
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, keep);
                }
            }

            if (NativeMethods.RenameAt(Fd(folder), temporary, Fd(folder), name) != 0)
            {
                throw Failure(Marshal.GetLastPInvokeError(), real, workspace);
            }
        }
        catch
        {
            _ = NativeMethods.UnlinkAt(Fd(folder), temporary, 0);
            throw;
        }
    }

    /// <summary>The real path, inside the working directory; symbolic links that lead outside are refused.</summary>
    private static string Resolve(WorkspacePath workspace, string path)
    {
        var real = WorkspacePath.ResolveLinks(path, out _);
        return workspace.Contains(real) && real != workspace.Root
            ? real
            : throw new MaestroException($"'{path}' leads outside the working directory '{workspace.Root}' (to '{real}'); only files inside it can be used.");
    }

    private static int OpenChild(SafeFileHandle folder, string name) =>
        NativeMethods.OpenAt(Fd(folder), name, NativeMethods.ORdOnly | NativeMethods.ODirectory | NativeMethods.ONoFollow | NativeMethods.OCloExec, 0);

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    private static string? RealPath(SafeFileHandle handle)
    {
        try
        {
            return new FileInfo(EnumerationPath(handle)).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Exception Failure(int errno, string path, WorkspacePath workspace) => errno switch
    {
        NativeMethods.ELoop or NativeMethods.ENotDir => Changed(path, workspace),
        NativeMethods.ENoEnt => new MaestroException($"'{workspace.ToRelative(path)}' does not exist (any more)."),
        NativeMethods.EAcces => new UnauthorizedAccessException($"Access to '{workspace.ToRelative(path)}' is denied."),
        _ => new IOException($"'{workspace.ToRelative(path)}': {Marshal.GetPInvokeErrorMessage(errno)}"),
    };

    private static MaestroException Changed(string path, WorkspacePath workspace) => new(
        $"'{workspace.ToRelative(path)}' changed while it was being opened: a symbolic link (or a file) now stands where a folder or file was " +
        "checked, so nothing was read or written. Check the path again (list_dir) before retrying.");
}
