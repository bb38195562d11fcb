using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Wire.Anthropic;

namespace Maestro.Emulator.Anthropic;

/// <summary>Anthropic error bodies: <c>{"type":"error","error":{"type":"…","message":"…"},"request_id":"req_…"}</c>.</summary>
internal sealed class AnthropicErrors : IProviderErrors
{
    public JsonReply InvalidRequest(string message) => Error(400, "invalid_request_error", message);

    public JsonReply Authentication(string message) => Error(401, "authentication_error", message);

    public JsonReply ModelNotFound(string model) => Error(404, "not_found_error", "model: " + model);

    public JsonReply UnknownPath(string path) => Error(404, "not_found_error", "Not Found");

    public JsonReply Fault(EmulatorFault fault, int retryAfterSeconds, string model) => fault.Kind switch
    {
        FaultKind.RateLimited => Error(
            429,
            "rate_limit_error",
            $"This request would exceed the rate limit for your organization of 50 requests per minute (emulated, model: {model}). Please retry after {retryAfterSeconds} seconds.",
            [new("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]),
        FaultKind.Overloaded => Error(529, "overloaded_error", "Overloaded"),
        FaultKind.Unavailable => Error(503, "api_error", "Service Unavailable"),
        FaultKind.Unauthorized => Authentication("invalid x-api-key"),
        _ => Error(500, "api_error", "Internal server error"),
    };

    private static JsonReply Error(int status, string type, string message, List<KeyValuePair<string, string>>? headers = null)
    {
        var requestId = AnthropicErrorBody.NewRequestId();
        headers ??= [];
        headers.Add(new("request-id", requestId));
        return new JsonReply(status, AnthropicErrorBody.Write(type, message, requestId), Headers: headers);
    }
}
