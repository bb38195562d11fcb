using System.Globalization;
using Maestro.Emulator.Gemini;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Wire;

namespace Maestro.Emulator.CodeAssist;

/// <summary>
/// Code Assist's error bodies: Google's <c>{"error": {"code", "message", "status"}}</c>, pretty-printed, as on the Gemini
/// API. An unknown model is Google's generic NOT_FOUND (Code Assist has no model resources to name).
/// </summary>
internal sealed class CodeAssistErrors : IProviderErrors
{
    public JsonReply InvalidRequest(string message) => Error(400, "INVALID_ARGUMENT", message);

    public JsonReply ModelNotFound(string model) => Error(404, "NOT_FOUND", "Requested entity was not found.");

    public JsonReply UnknownPath(string path) => Error(404, "NOT_FOUND", $"Requested entity was not found: {path}");

    public JsonReply MissingCredential() => Error(
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.");

    public JsonReply InvalidToken() => Error(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");

    public JsonReply FailedPrecondition(string message) => Error(400, "FAILED_PRECONDITION", message);

    public JsonReply Fault(EmulatorFault fault, int retryAfterSeconds, string model) => fault.Kind switch
    {
        FaultKind.RateLimited => Error(
            429,
            "RESOURCE_EXHAUSTED",
            $"Resource has been exhausted (e.g. check quota). (emulated, model: {model})",
            [new("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]),
        FaultKind.Overloaded or FaultKind.Unavailable => Error(503, "UNAVAILABLE", "The service is currently unavailable."),
        FaultKind.Unauthorized => InvalidToken(),
        _ => Error(500, "INTERNAL", "Internal error encountered."),
    };

    private static JsonReply Error(int status, string code, string message, List<KeyValuePair<string, string>>? headers = null)
    {
        var body = WireJson.Once(
            w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("error");
                w.WriteNumber("code", status);
                w.WriteString("message", message);
                w.WriteString("status", code);
                w.WriteEndObject();
                w.WriteEndObject();
            },
            indented: true);
        return new JsonReply(status, body, GeminiErrors.ContentType, headers);
    }
}
