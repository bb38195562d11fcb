namespace Maestro.Core.Tools.BuiltIn;

/// <summary>The names and one-line descriptions of the built-in tools, in the order they are offered to the model.</summary>
public static class BuiltInTools
{
    public static IReadOnlyList<BuiltInToolInfo> All { get; } =
    [
        new(ShellTool.ToolName, "Run a bash command in the working directory (with a timeout).", ToolEffect.Executes),
        new(ReadFileTool.ToolName, "Read a text file, with line numbers, a page at a time.", ToolEffect.ReadOnly),
        new(WriteFileTool.ToolName, "Create or replace a file.", ToolEffect.Writes),
        new(EditFileTool.ToolName, "Replace an exact piece of text in a file.", ToolEffect.Writes),
        new(ListDirTool.ToolName, "List a folder, optionally a few levels deep.", ToolEffect.ReadOnly),
        new(GlobTool.ToolName, "Find files by name pattern, newest first.", ToolEffect.ReadOnly),
        new(GrepTool.ToolName, "Search file contents with a regular expression.", ToolEffect.ReadOnly),
        new(HttpFetchTool.ToolName, "Fetch a web page or API response from an allowed host.", ToolEffect.Network),
    ];

    public static IEnumerable<string> Names => All.Select(t => t.Name);

    public static bool IsBuiltIn(string name) => All.Any(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The names that are not built-in tools, for a clear error where a session's tools are chosen.</summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> names) => names.Where(n => !IsBuiltIn(n)).ToArray();
}
