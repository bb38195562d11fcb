using System.Globalization;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Wire.Gemini;

namespace Maestro.Emulator.Gemini;

/// <summary>Google error bodies (google.rpc.Status): <c>{"error":{"code","message","status","details"}}</c>, pretty-printed.</summary>
internal sealed class GeminiErrors : IProviderErrors
{
    public const string ContentType = GoogleErrorBody.ContentType;

    public JsonReply InvalidRequest(string message) => Error(400, "INVALID_ARGUMENT", message);

    public JsonReply ModelNotFound(string model) => Error(
        404,
        "NOT_FOUND",
        $"models/{model} is not found for API version v1beta, or is not supported for generateContent. Call ModelService.ListModels to see the list of available models and their supported methods.");

    public JsonReply UnknownPath(string path) => Error(404, "NOT_FOUND", $"Requested entity was not found: {path}");

    public JsonReply MissingCredential() => Error(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");

    public JsonReply InvalidApiKey() => Error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details: w =>
    {
        w.WriteStartObject();
        w.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        w.WriteString("reason", "API_KEY_INVALID");
        w.WriteString("domain", "googleapis.com");
        w.WriteStartObject("metadata");
        w.WriteString("service", "generativelanguage.googleapis.com");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        w.WriteString("locale", "en-US");
        w.WriteString("message", "API key not valid. Please pass a valid API key.");
        w.WriteEndObject();
    });

    public JsonReply InvalidToken() => Error(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");

    public JsonReply Fault(EmulatorFault fault, int retryAfterSeconds, string model) => fault.Kind switch
    {
        FaultKind.RateLimited => Error(
            429,
            "RESOURCE_EXHAUSTED",
            $"You exceeded your current quota, please check your plan and billing details. (emulated, model: {model}) Please retry in {retryAfterSeconds}s.",
            details: w => RateLimitDetails(w, model, retryAfterSeconds),
            headers: [new("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]),
        FaultKind.Overloaded or FaultKind.Unavailable => Error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
        FaultKind.Unauthorized => InvalidToken(),
        _ => Error(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"),
    };

    private static void RateLimitDetails(Utf8JsonWriter w, string model, int retryAfterSeconds)
    {
        GoogleErrorBody.WriteQuotaFailure(
            w, "generativelanguage.googleapis.com/generate_content_free_tier_requests", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", model, "10");
        GoogleErrorBody.WriteRetryInfo(w, retryAfterSeconds);
    }

    private static JsonReply Error(int status, string code, string message, Action<Utf8JsonWriter>? details = null, List<KeyValuePair<string, string>>? headers = null) =>
        new(status, GoogleErrorBody.Write(status, code, message, details), ContentType, headers);
}
