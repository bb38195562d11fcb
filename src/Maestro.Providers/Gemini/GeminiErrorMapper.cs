using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Classifies Gemini's errors (Google's <c>google.rpc.Status</c> body: <c>{"error": {code, message, status, details}}</c>).
/// <list type="bullet">
/// <item>An invalid or expired API key is a <b>400</b> INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID (or
/// API_KEY_EXPIRED): Authentication, not InvalidRequest. 401 UNAUTHENTICATED and 403 PERMISSION_DENIED too.</item>
/// <item>404 NOT_FOUND: the model (the message names it).</item>
/// <item>400 "input token count … exceeds the maximum number of tokens": ContextTooLong.</item>
/// <item>429 RESOURCE_EXHAUSTED: RateLimited, waiting for the Retry-After header or else the RetryInfo
/// <c>retryDelay</c> in the body — unless a QuotaFailure violation shows a quota that will not clear soon: a per-day
/// quota (quotaId containing "PerDay") or a zero quota (quotaValue "0", e.g. a model the free tier does not include).
/// Those are QuotaExceeded, which is not retried.</item>
/// <item>400 FAILED_PRECONDITION about billing (free tier unavailable in the region): QuotaExceeded.</item>
/// <item>503 UNAVAILABLE: Overloaded; 500 INTERNAL, 504 DEADLINE_EXCEEDED: Server.</item>
/// </list>
/// The same body inside a stream (no HTTP status) is classified from its <c>code</c> and <c>status</c>.
/// </summary>
public sealed class GeminiErrorMapper : IProviderErrorMapper
{
    public ProviderException Map(int? statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter, ProviderRequestContext context)
    {
        var error = GoogleError.Parse(body);
        var status = statusCode ?? error.Code;
        var kind = Classify(status, error);
        var wait = retryAfter ?? error.RetryDelay;
        var message = error.Message ?? (body.IsEmpty ? null : Truncate(Encoding.UTF8.GetString(body)));
        return ProviderErrors.Create(kind, context, statusCode ?? error.Code, message, error.Reason ?? error.Status, wait);
    }

    /// <summary>The prompt was refused before any answer (<c>promptFeedback.blockReason</c>).</summary>
    public static ProviderException Blocked(ProviderRequestContext context, string reason, string? detail) => ProviderErrors.Create(
        ProviderErrorKind.InvalidRequest,
        context,
        null,
        detail is null ? $"the prompt was blocked ({reason})" : $"the prompt was blocked ({reason}): {detail}",
        reason);

    private static ProviderErrorKind Classify(int? status, GoogleError error)
    {
        if (error.Reason is "API_KEY_INVALID" or "API_KEY_EXPIRED" or "ACCESS_TOKEN_EXPIRED" ||
            error.Status is "UNAUTHENTICATED" or "PERMISSION_DENIED")
        {
            return ProviderErrorKind.Authentication;
        }

        if (error.Message is { } text &&
            (text.Contains("exceeds the maximum number of tokens", StringComparison.OrdinalIgnoreCase) ||
             text.Contains("input context is too long", StringComparison.OrdinalIgnoreCase)))
        {
            return ProviderErrorKind.ContextTooLong;
        }

        if (status == 429 || error.Status == "RESOURCE_EXHAUSTED")
        {
            return error.QuotaWillNotClear ? ProviderErrorKind.QuotaExceeded : ProviderErrorKind.RateLimited;
        }

        if (error.Status == "FAILED_PRECONDITION" && error.Message?.Contains("billing", StringComparison.OrdinalIgnoreCase) == true)
        {
            return ProviderErrorKind.QuotaExceeded;
        }

        return error.Status switch
        {
            "NOT_FOUND" => ProviderErrorKind.NotFound,
            "UNAVAILABLE" => ProviderErrorKind.Overloaded,
            _ when status is { } code => ProviderErrors.KindFromStatus(code),
            "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "OUT_OF_RANGE" => ProviderErrorKind.InvalidRequest,
            _ => ProviderErrorKind.Server,
        };
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";

    /// <summary>The parts of a google.rpc.Status that classification needs.</summary>
    private sealed class GoogleError
    {
        public int? Code { get; private set; }

        public string? Message { get; private set; }

        public string? Status { get; private set; }

        /// <summary>ErrorInfo.reason, e.g. API_KEY_INVALID.</summary>
        public string? Reason { get; private set; }

        /// <summary>RetryInfo.retryDelay ("48s", "0.5s").</summary>
        public TimeSpan? RetryDelay { get; private set; }

        /// <summary>A QuotaFailure violation names a daily quota or a quota of zero.</summary>
        public bool QuotaWillNotClear { get; private set; }

        public static GoogleError Parse(ReadOnlySpan<byte> body)
        {
            var result = new GoogleError();
            if (body.IsEmpty)
            {
                return result;
            }

            try
            {
                using var document = JsonDocument.Parse(body.ToArray());
                var root = document.RootElement;
                // Some Google endpoints wrap the status in a one-element array.
                if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
                {
                    root = root[0];
                }

                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    result.Read(error);
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page): the caller keeps the raw text.
            }

            return result;
        }

        private void Read(JsonElement error)
        {
            if (error.TryGetProperty("code", out var code) && code.TryGetInt32(out var number))
            {
                Code = number;
            }

            Message = String(error, "message");
            Status = String(error, "status");
            if (!error.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var detail in details.EnumerateArray())
            {
                var type = String(detail, "@type") ?? "";
                if (type.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal))
                {
                    Reason ??= String(detail, "reason");
                }
                else if (type.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal))
                {
                    RetryDelay = Duration(String(detail, "retryDelay"));
                }
                else if (type.EndsWith("google.rpc.QuotaFailure", StringComparison.Ordinal) &&
                         detail.TryGetProperty("violations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                {
                    foreach (var violation in violations.EnumerateArray())
                    {
                        var quotaId = String(violation, "quotaId") ?? "";
                        if (quotaId.Contains("PerDay", StringComparison.OrdinalIgnoreCase) || String(violation, "quotaValue") == "0")
                        {
                            QuotaWillNotClear = true;
                        }
                    }
                }
            }
        }

        private static string? String(JsonElement element, string name) => GoogleRpcJson.String(element, name);

        private static TimeSpan? Duration(string? text) => GoogleRpcJson.Duration(text);
    }
}
