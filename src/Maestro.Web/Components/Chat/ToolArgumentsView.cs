using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Web.Components.Chat;

/// <summary>
/// How a tool call's arguments read on its card and in the inbox: a shell call as the command it runs, a file edit or
/// write as a diff, anything else as indented JSON (always kept, under "Arguments").
/// </summary>
/// <param name="Kind">command, diff or json.</param>
public sealed record ToolArgumentsView(string Kind, string Json, string? Command = null, string? Path = null, IReadOnlyList<DiffLine>? Diff = null)
{
    /// <summary>Lines a diff shows at most; the rest is summarized (the JSON keeps everything).</summary>
    public const int MaxDiffLines = 400;

    private static readonly JsonSerializerOptions Indented = new(AIJsonUtilities.DefaultOptions) { WriteIndented = true };

    public static ToolArgumentsView From(string tool, IDictionary<string, object?>? arguments) =>
        From(tool, arguments is null ? default : JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions));

    public static ToolArgumentsView From(string tool, JsonElement arguments)
    {
        var json = arguments.ValueKind is JsonValueKind.Object && arguments.EnumerateObject().Any()
            ? JsonSerializer.Serialize(arguments, Indented)
            : "{}";
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return new("json", json);
        }

        return tool switch
        {
            "shell" when Text(arguments, "command") is { } command => new("command", json, Command: command),
            "edit_file" when Text(arguments, "old_string") is { } before && Text(arguments, "new_string") is { } after =>
                new("diff", json, Path: Text(arguments, "path"), Diff: LineDiff.Between(before, after, MaxDiffLines)),
            "write_file" when Text(arguments, "content") is { } content =>
                new("diff", json, Path: Text(arguments, "path"), Diff: LineDiff.Between("", content, MaxDiffLines)),
            _ => new("json", json),
        };
    }

    private static string? Text(JsonElement arguments, string name) =>
        arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
