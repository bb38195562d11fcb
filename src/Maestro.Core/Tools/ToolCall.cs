using System.Text.Json;

namespace Maestro.Core.Tools;

/// <summary>One call as the model made it, with the tool's own (unsanitized) name.</summary>
public sealed record ToolCall(string CallId, string Name, IReadOnlyDictionary<string, JsonElement> Arguments)
{
    public string? GetString(string name) =>
        Arguments.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public string RequireString(string name) =>
        GetString(name) is { } value ? value : throw new ToolArgumentException(name, "is required and must be a string");

    public int? GetInt(string name) =>
        !Arguments.TryGetValue(name, out var v) || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i
        : throw new ToolArgumentException(name, "must be a whole number");

    public bool? GetBool(string name) =>
        !Arguments.TryGetValue(name, out var v) || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw new ToolArgumentException(name, "must be true or false");
}

/// <summary>The model passed a bad argument; the message goes back to the model so it can correct the call.</summary>
public sealed class ToolArgumentException(string argument, string problem)
    : Exception($"Argument '{argument}' {problem}.")
{
    public string Argument { get; } = argument;
}
