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

/// <summary>The body of <c>POST /_emulator/quota</c>.</summary>
internal sealed record QuotaSetting
{
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    [JsonPropertyName("used_percent")]
    public double? UsedPercent { get; init; }

    [JsonPropertyName("exhausted")]
    public bool? Exhausted { get; init; }

    [JsonPropertyName("resets_in_seconds")]
    public int? ResetsInSeconds { get; init; }
}

/// <summary>Unknown members are refused so a typo in a script (<c>"tool_call"</c>) is an error, not a silent default.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScriptBatch))]
[JsonSerializable(typeof(ScriptedResponse))]
[JsonSerializable(typeof(QuotaSetting))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
