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

    /// <summary>A <c>google.rpc.QuotaFailure</c> detail with one violation (a Gemini quota of a model).</summary>
    /// <param name="quotaId">E.g. <c>GenerateRequestsPerMinutePerProjectPerModel-FreeTier</c>.</param>
    /// <param name="quotaValue">The limit, as Google writes it (a string).</param>
    public static void WriteQuotaFailure(Utf8JsonWriter w, string quotaMetric, string quotaId, string model, string quotaValue)
    {
        w.WriteStartObject();
        w.WriteString("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        w.WriteStartArray("violations");
        w.WriteStartObject();
        w.WriteString("quotaMetric", quotaMetric);
        w.WriteString("quotaId", quotaId);
        w.WriteStartObject("quotaDimensions");
        w.WriteString("model", model);
        w.WriteString("location", "global");
        w.WriteEndObject();
        w.WriteString("quotaValue", quotaValue);
        w.WriteEndObject();
        w.WriteEndArray();
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
