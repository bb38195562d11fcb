using System.Runtime.InteropServices;
using System.Text.Json;

namespace Maestro.Providers.Shared;

/// <summary>
/// Copies a value that was parsed from JSON (a tool result read back from the database) into a request as its JSON
/// text. Re-serializing it would unescape and escape it again, and an agent's every round sends every earlier tool
/// result again: that escaping was the largest cost of a late round. The text is valid JSON already (its document
/// parsed it), so the copy skips validation; the provider reads the same value either way.
/// </summary>
public static class ParsedJson
{
    public static void WriteValue(Utf8JsonWriter writer, JsonElement value) =>
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);

    /// <summary>True for the JSON string "" (its raw text is the two quotes).</summary>
    public static bool IsEmptyString(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && JsonMarshal.GetRawUtf8Value(value).Length == 2;
}
