namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Folders whose contents the walking tools (list_dir, glob, grep) leave out: version-control data, dependencies and
/// build output. They are large, rarely what the model is looking for, and would crowd out what it is.
/// </summary>
internal static class SkippedFolders
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { ".git", "node_modules", "bin", "obj" };

    public static bool IsSkipped(string folderName) => Names.Contains(folderName);

    public static string Listing => string.Join(", ", Names);
}
