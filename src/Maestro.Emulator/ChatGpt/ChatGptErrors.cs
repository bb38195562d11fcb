using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Wire;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// The ChatGPT backend's error bodies. Its own checks answer FastAPI-style <c>{"detail": "…"}</c> (e.g. "Unsupported
/// parameter: max_output_tokens", "Instructions are required", and for a model the plan does not serve "The '…' model
/// is not supported when using Codex with a ChatGPT account."); an expired token and rate limits use the OpenAI
/// <c>{"error": {…}}</c> shape the Codex CLI parses.
/// </summary>
internal sealed class ChatGptErrors : IProviderErrors
{
    public JsonReply InvalidRequest(string message) => Detail(400, message);

    public JsonReply ModelNotFound(string model) =>
        Detail(400, $"The '{model}' model is not supported when using Codex with a ChatGPT account.");

    public JsonReply UnknownPath(string path) => Detail(404, "Not Found");

    public JsonReply MissingToken() => Detail(401, "Unauthorized");

    public JsonReply ExpiredToken() => Error(401, "Your authentication token has expired. Please try signing in again.", "invalid_request_error", "token_expired");

    public JsonReply Fault(EmulatorFault fault, int retryAfterSeconds, string model) => fault.Kind switch
    {
        FaultKind.RateLimited => Error(
            429,
            $"Rate limit reached for {model}. Please try again in {retryAfterSeconds}s.",
            "rate_limit_exceeded",
            "rate_limit_exceeded",
            [new("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]),
        FaultKind.Overloaded or FaultKind.Unavailable => Error(503, "The server is overloaded or not ready yet.", "server_error", null),
        FaultKind.Unauthorized => ExpiredToken(),
        _ => Error(500, "An error occurred while processing your request.", "server_error", null),
    };

    public JsonReply Detail(int status, string message) => new(status, WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteString("detail", message);
        w.WriteEndObject();
    }));

    private static JsonReply Error(int status, string message, string type, string? code, List<KeyValuePair<string, string>>? headers = null) =>
        new(status, WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            if (code is null)
            {
                w.WriteNull("code");
            }
            else
            {
                w.WriteString("code", code);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }), Headers: headers);
}
