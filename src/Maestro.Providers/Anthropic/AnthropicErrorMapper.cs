using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// Classifies Anthropic errors (<c>{"type":"error","error":{"type":…,"message":…}}</c>), from an HTTP response or an
/// <c>error</c> event inside a stream. The error type decides where it is known; the status otherwise; the message is
/// checked for the two cases that share invalid_request_error with ordinary mistakes: an over-long prompt and billing.
/// </summary>
internal sealed class AnthropicErrorMapper : IProviderErrorMapper
{
    public static AnthropicErrorMapper Instance { get; } = new();

    public ProviderException Map(int? statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter, ProviderRequestContext context)
    {
        var (type, message) = Read(body);
        if (message is null && statusCode is not null && body.Length > 0 && body.Length < 1024)
        {
            // Not Anthropic's error shape (a proxy's page, say): the text still says more than the status alone.
            message = System.Text.Encoding.UTF8.GetString(body).Trim();
        }

        var kind = Classify(statusCode, type, message);
        return ProviderErrors.Create(kind, context, statusCode, message, type, kind == ProviderErrorKind.RateLimited ? retryAfter : null);
    }

    internal static ProviderErrorKind Classify(int? statusCode, string? type, string? message)
    {
        if (message is not null && IsContextTooLong(message))
        {
            return ProviderErrorKind.ContextTooLong;
        }

        if (type == "billing_error" || statusCode == 402 || (message is not null && IsBilling(message)))
        {
            return ProviderErrorKind.QuotaExceeded;
        }

        return type switch
        {
            "authentication_error" or "permission_error" => ProviderErrorKind.Authentication,
            "not_found_error" => ProviderErrorKind.NotFound,
            "rate_limit_error" => ProviderErrorKind.RateLimited,
            "overloaded_error" => ProviderErrorKind.Overloaded,
            "request_too_large" => ProviderErrorKind.ContextTooLong,
            "api_error" or "timeout_error" => ProviderErrorKind.Server,
            "invalid_request_error" => ProviderErrorKind.InvalidRequest,
            _ => statusCode is { } status ? ProviderErrors.KindFromStatus(status) : ProviderErrorKind.Server,
        };
    }

    private static bool IsContextTooLong(string message) =>
        message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("exceed context limit", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("context window", StringComparison.OrdinalIgnoreCase);

    private static bool IsBilling(string message) =>
        message.Contains("credit balance", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("billing", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("quota", StringComparison.OrdinalIgnoreCase);

    private static (string? Type, string? Message) Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        return ReadError(ref reader);
                    }

                    // Some proxies send {"error": "message"}.
                    return (null, reader.TokenType == JsonTokenType.String ? reader.GetString() : null);
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the caller falls back to the raw text.
        }

        return (null, null);
    }

    private static (string? Type, string? Message) ReadError(ref Utf8JsonReader reader)
    {
        string? type = null, message = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isMessage = reader.ValueTextEquals("message"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                type = reader.GetString();
            }
            else if (isMessage && reader.TokenType == JsonTokenType.String)
            {
                message = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return (type, message);
    }
}
