using System.Text.Json;

namespace Maestro.Wire.Gemini;

/// <summary>Google's error body (google.rpc.Status), pretty-printed as Google sends it: <c>{"error":{"code","message","status","details"}}</c>.</summary>
public static class GoogleErrorBody
{
    public const string ContentType = "application/json; charset=UTF-8";

    /// <param name="status">The HTTP status, repeated as <c>code</c>.</param>
    /// <param name="code">The canonical code: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE.</param>
    /// <param name="details">Writes the entries of <c>details</c> (objects with <c>@type</c>), or null for none.</param>
    public static byte[] Write(int status, string code, string message, Action<Utf8JsonWriter>? details = null, bool indented = true) =>
        WireJson.Once(w => WriteDocument(w, status, code, message, details), indented);

    public static void WriteDocument(Utf8JsonWriter w, int status, string code, string message, Action<Utf8JsonWriter>? details)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", status);
        w.WriteString("message", message);
        w.WriteString("status", code);
        if (details is not null)
        {
            w.WriteStartArray("details");
            details(w);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A <c>google.rpc.RetryInfo</c> detail.</summary>
    public static void WriteRetryInfo(Utf8JsonWriter w, int retryAfterSeconds)
    {
        w.WriteStartObject();
        w.WriteString("@type", "type.googleapis.com/google.rpc.RetryInfo");
        w.WriteString("retryDelay", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "s");
        w.WriteEndObject();
    }
}
