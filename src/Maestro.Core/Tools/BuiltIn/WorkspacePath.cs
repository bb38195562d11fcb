using Maestro.Core.Errors;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// The confinement of every file tool: turns a path the model passed into a real path inside the session's working
/// directory, or refuses it. Relative paths start at the working directory; absolute paths are accepted only inside it.
/// Every symbolic link on the way (at any level, chains included, dangling ones too) is resolved the way the kernel
/// would, and the result must still be inside the working directory. Tools then operate on the resolved path, which
/// holds no symbolic link at the time of the check.
/// </summary>
/// <remarks>
/// A link swapped in by another process between this check and the use is stopped by <see cref="ConfinedFiles"/>, which
/// the tools open, list and write through. What neither stops: a hard link to an outside file (it is indistinguishable
/// from a regular file). The shell tool is not confined at all; the permission policy guards it.
/// </remarks>
public sealed class WorkspacePath
{
    /// <summary>Linux gives up after 40 links in one lookup (ELOOP); so do we.</summary>
    private const int MaxLinkHops = 40;

    private WorkspacePath(string root) => Root = root;

    /// <summary>The working directory with every symbolic link resolved.</summary>
    public string Root { get; }

    /// <summary>Opens the working directory; a clear error when it is missing.</summary>
    /// <exception cref="MaestroException">The working directory is not set, missing or not a directory.</exception>
    public static WorkspacePath Open(string workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(workingDirectory) || !Path.IsPathRooted(workingDirectory))
        {
            throw new MaestroException(
                $"The session's working directory '{workingDirectory}' is not an absolute path, so file and shell tools cannot run.",
                "Ask the user to set the session's working directory to an existing folder.");
        }

        var root = ResolveLinks(Path.GetFullPath(workingDirectory), out _);
        if (!Directory.Exists(root))
        {
            throw new MaestroException(
                File.Exists(root)
                    ? $"The session's working directory '{workingDirectory}' is a file, not a folder, so file and shell tools cannot run."
                    : $"The session's working directory '{workingDirectory}' does not exist, so file and shell tools cannot run.",
                "Ask the user to create it or to set the session's working directory to an existing folder.");
        }

        return new WorkspacePath(root);
    }

    /// <summary>The real, absolute path inside the working directory that <paramref name="path"/> names.</summary>
    /// <param name="argument">The argument name reported back to the model when the path is refused.</param>
    /// <exception cref="ToolArgumentException">The path is empty, malformed or leads outside the working directory.</exception>
    public string Resolve(string path, string argument = "path")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ToolArgumentException(argument, "is empty; pass a path relative to the working directory, e.g. 'src/Program.cs'");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ToolArgumentException(argument, "contains a NUL character; pass a plain path relative to the working directory");
        }

        if (path.StartsWith('~'))
        {
            throw new ToolArgumentException(argument,
                $"'{path}' starts with '~', which is not expanded; pass a path relative to the working directory '{Root}'");
        }

        var absolute = Path.IsPathRooted(path) ? path : Path.Join(Root, path);
        string real;
        bool followedLink;
        try
        {
            real = ResolveLinks(absolute, out followedLink);
        }
        catch (IOException e)
        {
            throw new ToolArgumentException(argument, $"'{path}' cannot be resolved ({e.Message}); pass a path inside the working directory '{Root}'");
        }

        if (!Contains(real))
        {
            throw new ToolArgumentException(argument, followedLink && Contains(Path.GetFullPath(absolute))
                ? $"'{path}' leads through a symbolic link to '{real}', which is outside the working directory '{Root}'; " +
                  "only files inside the working directory can be used"
                : $"'{path}' is outside the working directory '{Root}' (it resolves to '{real}'); " +
                  "use a path inside the working directory (relative paths start there)");
        }

        return real;
    }

    /// <summary>Whether a real (link-free) absolute path is the working directory or inside it.</summary>
    public bool Contains(string realPath) =>
        Root == "/"
        || realPath == Root
        || (realPath.Length > Root.Length && realPath[Root.Length] == '/' && realPath.StartsWith(Root, StringComparison.Ordinal));

    /// <summary>A real path inside the working directory as the model should see it: relative, "." for the root.</summary>
    public string ToRelative(string realPath) =>
        realPath == Root ? "." : Path.GetRelativePath(Root, realPath);

    /// <summary>
    /// Whether an entry found while walking a folder inside the working directory may be used: a symbolic link counts
    /// only when it resolves inside. Walkers call this instead of <see cref="Resolve"/>, which throws.
    /// </summary>
    internal bool IsInside(string path)
    {
        try
        {
            return Contains(ResolveLinks(path, out _));
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// realpath(3) that also works for paths whose tail does not exist yet (a file about to be created): each existing
    /// component that is a symbolic link is replaced by its target, and ".." goes up from where the links led, as the
    /// kernel does.
    /// </summary>
    internal static string ResolveLinks(string absolutePath, out bool followedLink)
    {
        followedLink = false;
        var pending = new Stack<string>();
        Push(pending, absolutePath);
        var resolved = "/";
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var candidate = Path.Join(resolved, part);
            if (LinkTarget(candidate) is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    throw new IOException($"more than {MaxLinkHops} levels of symbolic links");
                }

                followedLink = true;
                if (Path.IsPathRooted(target))
                {
                    resolved = "/";
                }

                Push(pending, target);
                continue;
            }

            resolved = candidate;
        }

        return resolved;
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (UnauthorizedAccessException)
        {
            // A folder we may not search: nothing below it can be opened either, so treat the name as plain.
            return null;
        }
    }
}
