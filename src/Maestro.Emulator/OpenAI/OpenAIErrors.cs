using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Wire.OpenAI;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// OpenAI error bodies: <c>{"error":{"message","type","param","code"}}</c>. An unknown model is a 400 on
/// <c>/v1/responses</c> and a 404 on <c>/v1/chat/completions</c> (both recorded), hence two instances.
/// </summary>
internal sealed class OpenAIErrors(bool unknownModelIs404) : IProviderErrors
{
    public JsonReply InvalidRequest(string message) => Error(400, message, "invalid_request_error", null, null);

    public JsonReply MissingKey() => Error(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        null);

    public JsonReply InvalidKey(string key) => Error(
        401,
        $"Incorrect API key provided: {Mask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        "invalid_api_key");

    public JsonReply ModelNotFound(string model) => unknownModelIs404
        ? Error(404, $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", null, "model_not_found")
        : Error(400, $"The requested model '{model}' does not exist.", "invalid_request_error", "model", "model_not_found");

    public JsonReply UnknownPath(string path) => Error(404, $"Invalid URL ({path})", "invalid_request_error", null, null);

    public JsonReply Fault(EmulatorFault fault, int retryAfterSeconds, string model) => fault.Kind switch
    {
        FaultKind.RateLimited => Error(
            429,
            $"Rate limit reached for {model} in organization org-emulator on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in {retryAfterSeconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.",
            "requests",
            null,
            "rate_limit_exceeded",
            [new("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]),
        FaultKind.Overloaded or FaultKind.Unavailable => Error(503, "The server is overloaded or not ready yet.", "server_error", null, null),
        FaultKind.Unauthorized => InvalidKey("sk-emulated-expired-key"),
        _ => Error(500, "The server had an error while processing your request. Sorry about that!", "server_error", null, null),
    };

    /// <summary>Short keys are echoed (as recorded for "invalid-key"); long ones keep only their ends, like the real message.</summary>
    private static string Mask(string key) =>
        key.Length <= 12 ? key : string.Concat(key.AsSpan(0, 3), new string('*', key.Length - 7), key.AsSpan(key.Length - 4));

    private static JsonReply Error(int status, string message, string type, string? param, string? code, List<KeyValuePair<string, string>>? headers = null)
    {
        headers ??= [];
        headers.Add(new("x-request-id", OpenAIErrorBody.NewRequestId()));
        return new JsonReply(status, OpenAIErrorBody.Write(message, type, param, code), Headers: headers);
    }
}
