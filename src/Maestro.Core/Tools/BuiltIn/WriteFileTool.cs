using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>write_file: creates or replaces a whole file inside the working directory, with its parent folders.</summary>
public sealed class WriteFileTool : MaestroTool
{
    public const string ToolName = "write_file";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public override ToolDefinition Definition { get; } = new(
        ToolName,
        "Writes a text file inside the working directory (UTF-8), creating it and any missing parent folders, or replacing " +
        "its whole content if it exists. Says whether the file was created or replaced and how many lines and bytes were " +
        "written. To change part of an existing file, prefer edit_file. Paths are relative to the working directory; " +
        "absolute paths only inside it; symbolic links that lead outside it are refused.",
        ToolSchema.Parse("""
            {
              "type": "object",
              "properties": {
                "path": {
                  "type": "string",
                  "description": "The file to write, relative to the working directory, e.g. \"src/Greeting.cs\"."
                },
                "content": {
                  "type": "string",
                  "description": "The complete new content of the file."
                }
              },
              "required": ["path", "content"]
            }
            """),
        ToolEffect.Writes);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var path = call.RequireString("path");
        var content = call.RequireString("content");
        return await ToolFailures.GuardAsync(() => WriteAsync(path, content, context, cancellationToken));
    }

    private static async Task<ToolResult> WriteAsync(string path, string content, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        var file = workspace.Resolve(path);
        var shown = workspace.ToRelative(file);
        if (Directory.Exists(file))
        {
            return ToolResult.Error($"'{shown}' is a folder. Pass the path of a file inside it, e.g. '{Path.Join(shown, "name.txt")}'.");
        }

        var existing = new FileInfo(file);
        var replaced = existing.Exists;
        var previousSize = replaced ? existing.Length : 0;

        var folder = Path.GetDirectoryName(file)!;
        var createdFolder = !Directory.Exists(folder);
        if (createdFolder)
        {
            if (File.Exists(folder))
            {
                return ToolResult.Error($"'{workspace.ToRelative(folder)}' is a file, so '{shown}' cannot be created below it. Choose another path.");
            }

            Directory.CreateDirectory(folder);
        }

        var bytes = Utf8.GetBytes(content);
        await TextFiles.WriteAtomicallyAsync(file, bytes, cancellationToken);

        var lines = TextFiles.CountLines(content);
        var summary = $"{(replaced ? "Replaced" : "Created")} '{shown}': {TextFiles.Plural(lines, "line")}, {TextFiles.Plural(bytes.Length, "byte")}";
        var text = new StringBuilder(summary);
        if (replaced)
        {
            text.Append($" (was {TextFiles.Plural(previousSize, "byte")})");
        }

        text.Append('.');
        if (createdFolder)
        {
            text.Append($" Created the folder '{workspace.ToRelative(folder)}'.");
        }

        return new ToolResult(text.ToString(), Summary: summary, Details: new Dictionary<string, object?>
        {
            ["path"] = shown,
            ["created"] = !replaced,
            ["bytes"] = bytes.Length,
            ["lines"] = lines,
        });
    }
}
