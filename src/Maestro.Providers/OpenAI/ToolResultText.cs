using System.Text.Json;
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
    /// Writes the result as the string property <paramref name="name"/>, the same text as <see cref="From"/>. A result
    /// read back from the database (a JSON string) goes from its UTF-8 into the request without a copy as a .NET string:
    /// an agent's every round sends every earlier tool result again.
    /// </summary>
    public static void Write(Utf8JsonWriter json, string name, FunctionResultContent result)
    {
        if (result.Result is JsonElement { ValueKind: JsonValueKind.String } element)
        {
            json.WritePropertyName(name);
            element.WriteTo(json);
            return;
        }

        json.WriteString(name, From(result));
    }
}
