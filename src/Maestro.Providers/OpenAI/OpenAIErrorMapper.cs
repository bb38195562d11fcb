using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// Classifies OpenAI-style errors: <c>{"error":{"message","type","param","code"}}</c> from OpenAI, and the looser
/// shapes OpenAI-compatible servers send (<c>{"error":"…"}</c>, top-level <c>message</c>, FastAPI's <c>detail</c>).
/// The same classes come from HTTP errors and from <c>error</c> events inside a stream.
/// </summary>
public sealed class OpenAIErrorMapper : IProviderErrorMapper
{
    public static OpenAIErrorMapper Instance { get; } = new();

    public ProviderException Map(int? statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter, ProviderRequestContext context)
    {
        var (message, type, code) = Parse(body);
        var kind = Classify(statusCode, type, code, message);
        return ProviderErrors.Create(kind, context, statusCode, message, code ?? type,
            kind.IsTransient() ? retryAfter : null);
    }

    /// <summary>The kind from the HTTP status refined by the body: context length, quota and unknown models are named there.</summary>
    public static ProviderErrorKind Classify(int? statusCode, string? type, string? code, string? message)
    {
        if (statusCode is 401 or 403)
        {
            return ProviderErrorKind.Authentication;
        }

        if (IsAny(code, type, "context_length_exceeded", "string_above_max_length") || MentionsContextLength(message))
        {
            return ProviderErrorKind.ContextTooLong;
        }

        if (IsAny(code, type, "insufficient_quota", "billing_hard_limit_reached", "billing_not_active"))
        {
            return ProviderErrorKind.QuotaExceeded;
        }

        if (IsAny(code, type, "model_not_found"))
        {
            return ProviderErrorKind.NotFound;
        }

        if (statusCode is { } status)
        {
            return ProviderErrors.KindFromStatus(status);
        }

        // An error event inside a stream has no status; its code says what happened.
        if (IsAny(code, type, "rate_limit_exceeded", "rate_limit_error"))
        {
            return ProviderErrorKind.RateLimited;
        }

        if (IsAny(code, type, "invalid_api_key", "invalid_authentication", "authentication_error"))
        {
            return ProviderErrorKind.Authentication;
        }

        if (IsAny(code, type, "server_overloaded", "overloaded", "overloaded_error", "engine_overloaded"))
        {
            return ProviderErrorKind.Overloaded;
        }

        if (IsAny(code, type, "invalid_request_error", "invalid_prompt", "invalid_value", "invalid_image", "unsupported_value"))
        {
            return ProviderErrorKind.InvalidRequest;
        }

        return ProviderErrorKind.Server;
    }

    /// <summary>message, type and code from any of the shapes above; a body that is not JSON becomes the message.</summary>
    public static (string? Message, string? Type, string? Code) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Text(body), null, null);
            }

            var error = root.TryGetProperty("error", out var e) ? e : root;
            return error.ValueKind switch
            {
                JsonValueKind.String => (error.GetString(), null, null),
                JsonValueKind.Object => (
                    StringOf(error, "message") ?? StringOf(root, "message") ?? StringOf(root, "detail"),
                    StringOf(error, "type"),
                    StringOf(error, "code")),
                _ => (StringOf(root, "message") ?? StringOf(root, "detail"), null, null),
            };
        }
        catch (JsonException)
        {
            return (Text(body), null, null);
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static bool IsAny(string? code, string? type, params ReadOnlySpan<string> values)
    {
        foreach (var value in values)
        {
            if (string.Equals(code, value, StringComparison.OrdinalIgnoreCase) || string.Equals(type, value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Compatible servers rarely send a code for this; vLLM, llama.cpp and LiteLLM say it in words.
    private static bool MentionsContextLength(string? message) =>
        message is not null &&
        (message.Contains("maximum context length", StringComparison.OrdinalIgnoreCase) ||
         message.Contains("context window", StringComparison.OrdinalIgnoreCase) ||
         message.Contains("context size", StringComparison.OrdinalIgnoreCase) ||
         message.Contains("context_length_exceeded", StringComparison.OrdinalIgnoreCase));

    private static string Text(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > 500 ? body[..500] : body).Trim();
        return text.Length == 0 ? "(empty body)" : text;
    }
}
