using System.Globalization;
using System.Text.Json;
using Maestro.Core.Errors;

namespace Maestro.Core.OAuth.Imports;

/// <summary>A credentials file being imported: its JSON, and errors that name the file, the field and the expected shape.</summary>
public sealed class ImportedFile
{
    public const long MaxBytes = 1024 * 1024;
    private const string Field = "file";

    private ImportedFile(string path, JsonElement root, string expectedShape)
    {
        Path = path;
        Root = root;
        ExpectedShape = expectedShape;
    }

    public string Path { get; }

    public JsonElement Root { get; }

    /// <summary>A short description of the format, e.g. <c>{"tokens": {"access_token", …}}</c>.</summary>
    public string ExpectedShape { get; }

    public static ImportedFile Load(string path, string tool, string expectedShape)
    {
        var full = System.IO.Path.GetFullPath(path);
        FileInfo info;
        try
        {
            info = new FileInfo(full);
            if (!info.Exists)
            {
                throw new ValidationFailedException(Field, $"{full} does not exist. Log in with {tool} first, or give the file with --file PATH.");
            }

            if (info.Length > MaxBytes)
            {
                throw new ValidationFailedException(Field, $"{full} is larger than 1 MB; it is not a credentials file of {tool}.");
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(full));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationFailedException(Field, $"{full} is not a JSON object; expected {expectedShape}.");
            }

            return new ImportedFile(full, document.RootElement.Clone(), expectedShape);
        }
        catch (JsonException ex)
        {
            throw new ValidationFailedException(Field, $"{full} is not valid JSON ({ex.Message}); expected {expectedShape}.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ValidationFailedException(Field, $"{full} cannot be read (permission denied).");
        }
        catch (IOException ex)
        {
            throw new ValidationFailedException(Field, $"{full} cannot be read: {ex.Message}");
        }
    }

    /// <summary>The object at <paramref name="path"/> (e.g. "tokens"); an error naming it when absent.</summary>
    public JsonElement Object(params string[] path)
    {
        var element = Find(path);
        return element is { ValueKind: JsonValueKind.Object } found ? found : throw Missing(path, "an object");
    }

    public string RequiredString(params string[] path) => OptionalString(path) ?? throw Missing(path, "a non-empty string");

    public string? OptionalString(params string[] path)
    {
        var element = Find(path);
        return element switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } e when e.GetString() is { Length: > 0 } s => s,
            { ValueKind: JsonValueKind.String } => null,
            _ => throw Wrong(path, "a string"),
        };
    }

    /// <summary>A time stored as milliseconds since 1970 (as numbers or numeric strings).</summary>
    public DateTimeOffset? OptionalUnixMilliseconds(params string[] path)
    {
        var element = Find(path);
        return element switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) =>
                DateTimeOffset.FromUnixTimeMilliseconds(ms),
            _ => throw Wrong(path, "a time in milliseconds since 1970"),
        };
    }

    public DateTimeOffset? OptionalTimestamp(params string[] path) => OptionalString(path) is { } text
        ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : throw Wrong(path, "an ISO 8601 time")
        : null;

    /// <summary>A list of strings, or a space-separated string.</summary>
    public IReadOnlyList<string> OptionalStrings(params string[] path)
    {
        var element = Find(path);
        return element switch
        {
            null or { ValueKind: JsonValueKind.Null } => [],
            { ValueKind: JsonValueKind.String } e => (e.GetString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            { ValueKind: JsonValueKind.Array } e when e.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String) =>
                [.. e.EnumerateArray().Select(i => i.GetString()!)],
            _ => throw Wrong(path, "a list of strings"),
        };
    }

    private JsonElement? Find(string[] path)
    {
        var current = Root;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private ValidationFailedException Missing(string[] path, string what) =>
        new(Field, $"{Path}: missing field '{string.Join('.', path)}' ({what}); expected {ExpectedShape}.");

    private ValidationFailedException Wrong(string[] path, string what) =>
        new(Field, $"{Path}: field '{string.Join('.', path)}' is not {what}; expected {ExpectedShape}.");
}
