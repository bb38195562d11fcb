using System.Text.Json;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>OpenAI takes a tool result as a string: text as it is, anything else as JSON.</summary>
public static class ToolResultText
{
    // AIJsonUtilities.DefaultOptions indents; a tool result costs tokens, so it goes compact.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static string From(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } ex => $"Error: {ex.Message}",
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        TextContent text => text.Text,
        var other => JsonSerializer.Serialize(other, other.GetType(), Compact),
    };

    /// <summary>
    /// Writes the result as the string property <paramref name="name"/>, the same text as <see cref="From"/>; a result
    /// read back from the database (a JSON string) goes in as its JSON text (see <see cref="ParsedJson"/>).
    /// </summary>
    public static void Write(Utf8JsonWriter json, string name, FunctionResultContent result)
    {
        if (result.Result is JsonElement { ValueKind: JsonValueKind.String } element)
        {
            json.WritePropertyName(name);
            ParsedJson.WriteValue(json, element);
            return;
        }

        json.WriteString(name, From(result));
    }
}
