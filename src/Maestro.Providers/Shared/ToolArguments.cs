using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Shared;

/// <summary>Parses a tool call's JSON arguments (complete, after the deltas are joined) into the M.E.AI shape.</summary>
public static class ToolArguments
{
    /// <summary>
    /// Builds the call. Arguments become <c>IDictionary&lt;string, object?&gt;</c> of <see cref="JsonElement"/> values;
    /// empty input means no arguments; invalid JSON or a non-object leaves Arguments null and sets Exception, so the
    /// turn engine can tell the model what was wrong instead of failing the turn.
    /// </summary>
    public static FunctionCallContent ToCall(string callId, string name, ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty || json.Trim((byte)' ').IsEmpty)
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>());
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid(callId, name, $"arguments must be a JSON object, got {document.RootElement.ValueKind}");
            }

            var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }

            return new FunctionCallContent(callId, name, arguments);
        }
        catch (JsonException ex)
        {
            return Invalid(callId, name, $"arguments are not valid JSON: {ex.Message}");
        }
    }

    public static FunctionCallContent ToCall(string callId, string name, string json) =>
        ToCall(callId, name, System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Writes a call's arguments back as a JSON object (for history sent to a provider).</summary>
    public static void WriteObject(Utf8JsonWriter writer, IDictionary<string, object?>? arguments)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in arguments ?? new Dictionary<string, object?>())
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes any argument or result value: JsonElement as is, strings, numbers, or via System.Text.Json.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), AIJsonUtilities.DefaultOptions);
                break;
        }
    }

    private static FunctionCallContent Invalid(string callId, string name, string reason) =>
        new(callId, name) { Exception = new InvalidDataException($"The model's call to {name} had invalid {reason}") };
}
