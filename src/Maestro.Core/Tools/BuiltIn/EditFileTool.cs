using System.Text;
using System.Text.RegularExpressions;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// edit_file: replaces an exact piece of text that occurs once (or every occurrence, when asked), keeping the file's
/// line endings, byte-order mark and encoding.
/// </summary>
public sealed partial class EditFileTool : MaestroTool
{
    public const string ToolName = "edit_file";

    /// <summary>Edits hold the file in memory; bigger files are for sed in the shell.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override ToolDefinition Definition { get; } = new(
        ToolName,
        "Edits a text file inside the working directory by exact string replacement: old_string must occur exactly once in " +
        "the file (include enough surrounding lines to make it unique), or set replace_all to replace every occurrence. " +
        "Matching is exact, including whitespace and indentation; copy the text as read_file shows it, without the line " +
        "numbers. The file's line endings (LF or CRLF) are kept. Fails, and says why, when old_string is not found or is " +
        "not unique. To create a file or replace all of it, use write_file. Paths are relative to the working directory.",
        ToolSchema.Parse("""
            {
              "type": "object",
              "properties": {
                "path": {
                  "type": "string",
                  "description": "The file to edit, relative to the working directory."
                },
                "old_string": {
                  "type": "string",
                  "description": "The exact text to replace, unique in the file unless replace_all is true."
                },
                "new_string": {
                  "type": "string",
                  "description": "The text to put in its place (empty to delete old_string)."
                },
                "replace_all": {
                  "type": "boolean",
                  "description": "Replace every occurrence of old_string instead of exactly one (default false)."
                }
              },
              "required": ["path", "old_string", "new_string"]
            }
            """),
        ToolEffect.Writes);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var path = call.RequireString("path");
        var oldString = call.RequireString("old_string");
        var newString = call.RequireString("new_string");
        var replaceAll = call.GetBool("replace_all") ?? false;
        if (oldString.Length == 0)
        {
            throw new ToolArgumentException("old_string", "is empty; pass the exact text to replace (to create a file or replace all of it, use write_file)");
        }

        if (oldString == newString)
        {
            throw new ToolArgumentException("new_string", "is the same as old_string, so nothing would change; pass the text you want instead");
        }

        return await ToolFailures.GuardAsync(() => EditAsync(path, oldString, newString, replaceAll, context, cancellationToken));
    }

    private static async Task<ToolResult> EditAsync(
        string path, string oldString, string newString, bool replaceAll, ToolContext context, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePath.Open(context.WorkingDirectory);
        var file = workspace.Resolve(path);
        var shown = workspace.ToRelative(file);
        if (Directory.Exists(file))
        {
            return ToolResult.Error($"'{shown}' is a folder, not a file. Pass the path of the file to edit.");
        }

        var info = new FileInfo(file);
        if (!info.Exists)
        {
            return ToolResult.Error($"'{shown}' does not exist. Check the path with glob or list_dir, or create the file with write_file.");
        }

        // Zero length also covers FIFOs and devices, which must not be opened: a read could block forever.
        if (info.Length == 0)
        {
            return ToolResult.Error($"'{shown}' is empty, so old_string cannot match. Use write_file to give it content.");
        }

        if (info.Length > MaxFileBytes)
        {
            return ToolResult.Error($"'{shown}' is {TextFiles.FormatSize(info.Length)}, more than edit_file handles ({TextFiles.FormatSize(MaxFileBytes)}). Use shell (e.g. sed) instead.");
        }

        var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        if (TextFiles.LooksBinary(bytes))
        {
            return ToolResult.Error($"'{shown}' is a binary file; edit_file changes text files only.");
        }

        var preamble = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes.AsSpan(preamble));
        }
        catch (DecoderFallbackException)
        {
            return ToolResult.Error($"'{shown}' is not valid UTF-8, and edit_file would damage it. Use shell (e.g. sed or iconv) instead.");
        }

        // Models write "\n"; a CRLF file would then never match and, worse, end up with mixed line endings.
        var lineEnding = DetectLineEnding(text);
        var find = oldString;
        var matches = FindAll(text, find);
        if (matches.Count == 0 && lineEnding is not null && ToLineEnding(oldString, lineEnding) is var adapted && adapted != oldString)
        {
            find = adapted;
            matches = FindAll(text, find);
        }

        if (matches.Count == 0)
        {
            return ToolResult.Error(DescribeNoMatch(shown, text, oldString, lineEnding));
        }

        if (matches.Count > 1 && !replaceAll)
        {
            return ToolResult.Error(
                $"old_string occurs {matches.Count} times in '{shown}' (at lines {DescribeLines(text, matches)}), but must match " +
                "exactly once. Add surrounding lines to old_string so it matches one place only, or set replace_all to true to " +
                "replace every occurrence.");
        }

        var replacement = lineEnding is null ? newString : ToLineEnding(newString, lineEnding);
        var edited = replaceAll
            ? text.Replace(find, replacement, StringComparison.Ordinal)
            : string.Concat(text.AsSpan(0, matches[0]), replacement, text.AsSpan(matches[0] + find.Length));

        var output = new byte[preamble + StrictUtf8.GetByteCount(edited)];
        bytes.AsSpan(0, preamble).CopyTo(output);
        StrictUtf8.GetBytes(edited, output.AsSpan(preamble));
        await TextFiles.WriteAtomicallyAsync(file, output, cancellationToken);

        var summary = $"Edited '{shown}': replaced {TextFiles.Plural(matches.Count, "occurrence")}";
        return new ToolResult(
            $"{summary} (at {(matches.Count == 1 ? "line" : "lines")} {DescribeLines(text, matches)}).",
            Summary: summary,
            Details: new Dictionary<string, object?> { ["path"] = shown, ["replacements"] = matches.Count });
    }

    /// <summary>"\r\n" or "\n" when the file uses one style throughout; null when it has no line breaks or mixes them.</summary>
    internal static string? DetectLineEnding(string text)
    {
        var newlines = text.AsSpan().Count('\n');
        var crlf = text.AsSpan().Count("\r\n");
        return newlines == 0 ? null : crlf == 0 ? "\n" : crlf == newlines ? "\r\n" : null;
    }

    private static string ToLineEnding(string text, string lineEnding)
    {
        var lf = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return lineEnding == "\n" ? lf : lf.Replace("\n", "\r\n", StringComparison.Ordinal);
    }

    private static List<int> FindAll(string text, string value)
    {
        var found = new List<int>();
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            found.Add(at);
        }

        return found;
    }

    private static string DescribeLines(string text, List<int> positions)
    {
        const int MaxListed = 10;
        var lines = new List<int>();
        var line = 1;
        var scanned = 0;
        foreach (var position in positions.Take(MaxListed))
        {
            line += text.AsSpan(scanned, position - scanned).Count('\n');
            scanned = position;
            lines.Add(line);
        }

        var listed = string.Join(", ", lines);
        return positions.Count > MaxListed ? $"{listed}, …" : listed;
    }

    private static string DescribeNoMatch(string shown, string text, string oldString, string? lineEnding)
    {
        var message = new StringBuilder($"old_string was not found in '{shown}' (0 matches); the file was not changed. ");
        if (LineNumberPrefix().IsMatch(oldString))
        {
            message.Append("old_string seems to include read_file's line numbers: leave out the number and the tab before each line. ");
        }
        else if (FindIgnoringWhitespace(text, oldString) is { } line)
        {
            message.Append($"Text that differs only in whitespace starts at line {line}: read that part again with read_file and copy it exactly. ");
        }
        else
        {
            message.Append("Matching is exact: check whitespace, indentation, tabs versus spaces and line endings, or read the file again, since it may have changed. ");
        }

        message.Append(lineEnding switch
        {
            "\r\n" => "The file uses CRLF line endings.",
            "\n" => "The file uses LF line endings.",
            null when text.Contains('\n', StringComparison.Ordinal) => "The file mixes CRLF and LF line endings.",
            _ => "The file has a single line.",
        });
        return message.ToString();
    }

    /// <summary>The line where old_string would match if whitespace were ignored, to point the model at the near miss.</summary>
    private static int? FindIgnoringWhitespace(string text, string oldString)
    {
        var wanted = oldString.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(Squeeze).ToArray();
        var start = Array.FindIndex(wanted, l => l.Length > 0);
        var end = Array.FindLastIndex(wanted, l => l.Length > 0);
        if (start < 0)
        {
            return null;
        }

        wanted = wanted[start..(end + 1)];
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(Squeeze).ToArray();
        for (var i = 0; i + wanted.Length <= lines.Length; i++)
        {
            var fits = wanted.Length == 1
                ? lines[i].Contains(wanted[0], StringComparison.Ordinal)
                : lines[i].EndsWith(wanted[0], StringComparison.Ordinal)
                  && lines[i + wanted.Length - 1].StartsWith(wanted[^1], StringComparison.Ordinal)
                  && wanted.AsSpan(1, wanted.Length - 2).SequenceEqual(lines.AsSpan(i + 1, wanted.Length - 2));
            if (fits)
            {
                return i + 1;
            }
        }

        return null;
    }

    private static string Squeeze(string line) => string.Concat(line.Where(c => !char.IsWhiteSpace(c)));

    [GeneratedRegex(@"^\s*\d+\t", RegexOptions.Multiline)]
    private static partial Regex LineNumberPrefix();
}
