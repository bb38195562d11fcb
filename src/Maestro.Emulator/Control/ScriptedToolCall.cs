using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maestro.Emulator;

/// <summary>A tool call in a scripted answer. Without an id, one is generated in the provider's style.</summary>
public sealed record ScriptedToolCall
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A JSON object; absent means no arguments (<c>{}</c>).</summary>
    [JsonPropertyName("arguments")]
    public JsonElement? Arguments { get; init; }

    /// <summary>Builds a call from its arguments as JSON text, e.g. <c>Create("read_file", """{"path":"a.txt"}""")</c>.</summary>
    public static ScriptedToolCall Create(string name, string argumentsJson = "{}", string? id = null)
    {
        using var document = JsonDocument.Parse(argumentsJson);
        return new ScriptedToolCall { Name = name, Id = id, Arguments = document.RootElement.Clone() };
    }
}
