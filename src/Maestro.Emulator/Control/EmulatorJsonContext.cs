using System.Text.Json.Serialization;

namespace Maestro.Emulator.Control;

/// <summary>The body of <c>POST /_emulator/scripts</c>.</summary>
internal sealed record ScriptBatch
{
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    [JsonPropertyName("responses")]
    public List<ScriptedResponse>? Responses { get; init; }
}

/// <summary>Unknown members are refused so a typo in a script (<c>"tool_call"</c>) is an error, not a silent default.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScriptBatch))]
[JsonSerializable(typeof(ScriptedResponse))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
