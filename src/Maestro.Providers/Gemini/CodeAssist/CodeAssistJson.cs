using System.Text.Json;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>Lenient readers for the few fields of the Code Assist setup answers (protobuf JSON omits empty fields).</summary>
internal static class CodeAssistJson
{
    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    public static bool True(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>A project given as a string id (loadCodeAssist) or as <c>{"id", "name"}</c> (onboardUser).</summary>
    public static string? Project(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? (value.GetString() is { Length: > 0 } id ? id : null)
        : value.ValueKind == JsonValueKind.Object ? String(value, "id")
        : null;
}
