using System.Globalization;
using System.Text.Json;

namespace Maestro.Gateway.Inbound;

/// <summary>
/// Typed reads of request fields that fail with a <see cref="ClientRequestException"/> naming the field's path and
/// what was expected. A missing field is null; a field of the wrong type is an error, never silently ignored.
/// </summary>
internal static class JsonFields
{
    public static string Path(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Path(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string? String(JsonElement obj, string name, string parent) =>
        !TryGet(obj, name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Expected(Path(parent, name), "a string", value);

    public static string RequiredString(JsonElement obj, string name, string parent) =>
        String(obj, name, parent) ?? throw new ClientRequestException(Path(parent, name), "Field required.");

    public static double? Number(JsonElement obj, string name, string parent) =>
        !TryGet(obj, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) ? number
        : throw Expected(Path(parent, name), "a number", value);

    public static int? Int(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw Expected(Path(parent, name), "a whole number", value);
    }

    public static bool? Bool(JsonElement obj, string name, string parent) =>
        !TryGet(obj, name, out var value) ? null
        : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Expected(Path(parent, name), "true or false", value),
        };

    public static JsonElement? Object(JsonElement obj, string name, string parent) =>
        !TryGet(obj, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Object ? value
        : throw Expected(Path(parent, name), "an object", value);

    public static JsonElement? Array(JsonElement obj, string name, string parent) =>
        !TryGet(obj, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Array ? value
        : throw Expected(Path(parent, name), "an array", value);

    /// <summary>A string, or an array of strings (<c>stop</c>, <c>stop_sequences</c>).</summary>
    public static List<string>? Strings(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(parent, name), "a string or an array of strings", value);
        }

        var result = new List<string>(value.GetArrayLength());
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Expected(Path(Path(parent, name), index), "a string", item));
            index++;
        }

        return result;
    }

    public static ClientRequestException Expected(string path, string expected, JsonElement actual) =>
        new(path, $"Expected {expected}, got {Describe(actual)}.");

    public static ClientRequestException Unsupported(string path, string what, string allowed) =>
        new(path, $"{what} is not supported here; use {allowed}.");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
