using System.Globalization;
using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>read_file: a page of a text file with numbered lines; the file is streamed, never loaded whole.</summary>
public sealed class ReadFileTool : MaestroTool
{
    public const string ToolName = "read_file";

    public const int DefaultLimit = 2000;

    /// <summary>Longer lines (minified code, data) are cut so one line cannot use up the whole answer.</summary>
    public const int MaxLineChars = 2000;

    public ReadFileTool(ToolLimits limits)
    {
        Definition = new ToolDefinition(
            ToolName,
            $"Reads a text file inside the working directory and returns its lines numbered like `cat -n` (the number, a tab, " +
            $"the line). Returns up to {DefaultLimit} lines from `offset`, and less when the text exceeds " +
            $"{limits.MaxOutputChars:N0} characters; lines longer than {MaxLineChars} characters are cut. When more lines " +
            $"follow, the answer ends with the offset to continue from. Binary files are refused. Paths are relative to the " +
            $"working directory; absolute paths only inside it. The line numbers are not part of the file: leave them out " +
            $"of edit_file's old_string.",
            ToolSchema.Parse("""
                {
                  "type": "object",
                  "properties": {
                    "path": {
                      "type": "string",
                      "description": "The file to read, relative to the working directory, e.g. \"src/Program.cs\"."
                    },
                    "offset": {
                      "type": "integer",
                      "minimum": 1,
                      "description": "The first line to return, 1-based (default 1)."
                    },
                    "limit": {
                      "type": "integer",
                      "minimum": 1,
                      "description": "How many lines to return at most (default 2000)."
                    }
                  },
                  "required": ["path"]
                }
                """),
            ToolEffect.ReadOnly);
    }

    public override ToolDefinition Definition { get; }

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var path = call.RequireString("path");
        var offset = call.GetInt("offset") ?? 1;
        var limit = call.GetInt("limit") ?? DefaultLimit;
        if (offset < 1)
        {
            throw new ToolArgumentException("offset", "must be 1 or more (the first line is 1)");
        }

        if (limit < 1)
        {
            throw new ToolArgumentException("limit", "must be 1 or more");
        }

        return await ToolFailures.GuardAsync(() => ReadAsync(path, offset, limit, context, cancellationToken));
    }

    private static async Task<ToolResult> ReadAsync(string path, int offset, int limit, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        var file = workspace.Resolve(path);
        var shown = workspace.ToRelative(file);
        if (Directory.Exists(file))
        {
            return ToolResult.Error($"'{shown}' is a folder, not a file. Use list_dir to see what it contains.");
        }

        if (!File.Exists(file))
        {
            return ToolResult.Error($"'{shown}' does not exist. Use glob or list_dir to find the right path.");
        }

        // Zero length also covers FIFOs and devices, which must not be opened: a read could block forever.
        var size = new FileInfo(file).Length;
        if (size == 0)
        {
            return new ToolResult($"'{shown}' is empty (0 lines).", Summary: $"{shown}: empty");
        }

        if (TextFiles.LooksBinary(file))
        {
            return ToolResult.Error($"'{shown}' is a binary file ({TextFiles.FormatSize(size)}); read_file shows text only. " +
                "Use shell (e.g. `file`, `xxd | head`) to inspect it.");
        }

        var budget = context.Limits.MaxOutputChars;
        var text = new StringBuilder();
        var lineNumber = 0;
        var last = offset - 1;
        var moreFollow = false;
        using (var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
                   new FileStreamOptions { Access = FileAccess.Read, Share = FileShare.ReadWrite, Options = FileOptions.SequentialScan }))
        {
            var lines = new BoundedLineReader(reader, MaxLineChars);
            while (await lines.ReadLineAsync(cancellationToken) is (var line, var length))
            {
                lineNumber++;
                if (lineNumber < offset)
                {
                    continue;
                }

                if (lineNumber >= offset + limit)
                {
                    moreFollow = true;
                    break;
                }

                var numbered = Number(lineNumber, line, length);
                if (text.Length + numbered.Length > budget && lineNumber > offset)
                {
                    moreFollow = true;
                    break;
                }

                text.Append(numbered);
                last = lineNumber;
            }
        }

        if (lineNumber < offset)
        {
            throw new ToolArgumentException("offset", $"is past the end of '{shown}', which has {TextFiles.Plural(lineNumber, "line")}");
        }

        if (moreFollow)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n[Lines {offset}–{last} of '{shown}' ({TextFiles.FormatSize(size)}). More lines follow: call read_file with offset={last + 1} to continue.]");
        }

        return new ToolResult(text.ToString().TrimEnd('\n'),
            Summary: $"{shown}: lines {offset}–{last}",
            Details: new Dictionary<string, object?> { ["path"] = shown, ["first_line"] = offset, ["last_line"] = last, ["more"] = moreFollow });
    }

    private static string Number(int lineNumber, string line, long length)
    {
        var shown = length > line.Length ? string.Concat(line, $" … [line cut: {length:N0} characters]") : line;
        return string.Create(CultureInfo.InvariantCulture, $"{lineNumber,6}\t{shown}\n");
    }
}
