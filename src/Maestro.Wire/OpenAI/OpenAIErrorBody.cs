using System.Text.Json;

namespace Maestro.Wire.OpenAI;

/// <summary>OpenAI's error body, the same for every endpoint: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public static class OpenAIErrorBody
{
    public static byte[] Write(string message, string type, string? param, string? code) => WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("error");
        WriteError(w, message, type, param, code);
        w.WriteEndObject();
    });

    /// <summary>The inner error object (also what an in-stream error carries).</summary>
    public static void WriteError(Utf8JsonWriter w, string message, string type, string? param, string? code)
    {
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteString("type", type);
        WriteNullable(w, "param", param);
        WriteNullable(w, "code", code);
        w.WriteEndObject();
    }

    /// <summary>A request id in OpenAI's style, sent as the <c>x-request-id</c> header.</summary>
    public static string NewRequestId() => WireIds.HexId("req_", 32);

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
