using Maestro.Emulator.Wire;

namespace Maestro.Emulator.OAuth.Grants;

/// <summary>The error answers of the emulated authorization servers, in each provider's shape.</summary>
internal static class TokenErrors
{
    /// <summary>RFC 6749's flat <c>{"error", "error_description"}</c>.</summary>
    public static TokenResult Error(int status, string code, string description) => new(status, Flat(code, description), code);

    /// <summary>A refresh failure: OpenAI answers 401 with its nested error object; the others RFC 6749's 400.</summary>
    public static TokenResult RefreshError(OAuthDialect dialect, string code, string description) => dialect == OAuthDialect.OpenAI
        ? new TokenResult(401, NestedBody(code, description), code)
        : Error(400, code, description);

    /// <summary>OpenAI's nested <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    public static TokenResult Nested(int status, string code, string message) => new(status, NestedBody(code, message), code);

    private static byte[] Flat(string code, string description) => WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", code);
        w.WriteString("error_description", description);
        w.WriteEndObject();
    });

    private static byte[] NestedBody(string code, string message) => WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", "invalid_request_error");
        w.WriteNull("param");
        w.WriteString("code", code);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
