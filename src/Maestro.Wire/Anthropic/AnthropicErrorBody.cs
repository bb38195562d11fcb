namespace Maestro.Wire.Anthropic;

/// <summary>Anthropic's error body: <c>{"type":"error","error":{"type","message"},"request_id"}</c>.</summary>
public static class AnthropicErrorBody
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    public static byte[] Write(string type, string message, string requestId) => WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteString("request_id", requestId);
        w.WriteEndObject();
    });

    /// <summary>A request id in Anthropic's style (<c>req_011C…</c>), also sent as the <c>request-id</c> header.</summary>
    public static string NewRequestId() => WireIds.Base62Id("req_011C", 20);
}
