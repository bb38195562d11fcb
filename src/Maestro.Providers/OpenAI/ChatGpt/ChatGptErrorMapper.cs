using System.Globalization;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// Errors of the ChatGPT backend. Its own refusals are FastAPI bodies (<c>{"detail":"Unsupported parameter: …"}</c>),
/// which <see cref="OpenAIErrorMapper"/> already reads; on top of that: the plan's usage limit (429
/// <c>usage_limit_reached</c> with <c>plan_type</c> and <c>resets_at</c>/<c>resets_in_seconds</c>, as the Codex CLI
/// reads it) and a plan without Codex (<c>usage_not_included</c>) are quota errors that retrying will not clear; an HTML
/// page instead of JSON is chatgpt.com's edge refusing the client; a model the plan does not serve is not found; and
/// "Instructions are not valid" is explained.
/// </summary>
public sealed class ChatGptErrorMapper(TimeProvider time) : IProviderErrorMapper
{
    private const string PolicyHint =
        "OpenAI serves ChatGPT logins for its own Codex apps, and Maestro does not disguise itself as one of them. " +
        "If this persists, use an API key auth for openai.";

    public ProviderException Map(int? statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter, ProviderRequestContext context)
    {
        if (LooksLikeHtml(body))
        {
            var kind = statusCode is { } status ? ProviderErrors.KindFromStatus(status) : ProviderErrorKind.Server;
            return WithHint(
                ProviderErrors.Create(kind, context, statusCode, "the ChatGPT backend answered with an HTML page instead of JSON (refused at chatgpt.com's edge)"),
                kind == ProviderErrorKind.Authentication ? PolicyHint : null);
        }

        var limit = UsageLimit.Parse(body);
        if (limit.Type is "usage_limit_reached")
        {
            return WithHint(
                ProviderErrors.Create(ProviderErrorKind.QuotaExceeded, context, statusCode, limit.Describe(time), limit.Type),
                "Wait for the reset, or use another auth.");
        }

        if (limit.Type is "usage_not_included")
        {
            return WithHint(
                ProviderErrors.Create(ProviderErrorKind.QuotaExceeded, context, statusCode,
                    limit.Message ?? "this ChatGPT plan does not include Codex, which serves ChatGPT logins", limit.Type),
                "Upgrade the ChatGPT plan, or use an API key auth for openai.");
        }

        var error = OpenAIErrorMapper.Instance.Map(statusCode, body, retryAfter, context);
        if (error.Kind == ProviderErrorKind.InvalidRequest && error.ProviderMessage is { } refused &&
            refused.Contains("model is not supported", StringComparison.OrdinalIgnoreCase))
        {
            // "The 'x' model is not supported when using Codex with a ChatGPT account.": the plan does not serve it.
            return ProviderErrors.Create(ProviderErrorKind.NotFound, context, statusCode, refused, error.ProviderErrorType);
        }

        return error.ProviderMessage is { } said && said.Contains("Instructions are not valid", StringComparison.OrdinalIgnoreCase)
            ? WithHint(error, "The ChatGPT backend accepted only its own apps' instructions for this request; Maestro sends your system prompt as it is. " + PolicyHint)
            : error;
    }

    private static ProviderException WithHint(ProviderException error, string? hint) => hint is null
        ? error
        : new ProviderException(error.Kind, error.Message, error.ProviderMessage, error.StatusCode, error.RetryAfter, error.ProviderErrorType, error.InnerException, hint);

    private static bool LooksLikeHtml(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] == (byte)'<';
    }

    /// <summary>The fields of a usage-limit error: <c>{"error":{"type","message","plan_type","resets_at","resets_in_seconds"}}</c>.</summary>
    private readonly record struct UsageLimit(string? Type, string? Message, string? Plan, DateTimeOffset? ResetsAt, long? ResetsInSeconds)
    {
        public static UsageLimit Parse(ReadOnlySpan<byte> body)
        {
            if (body.IsEmpty)
            {
                return default;
            }

            try
            {
                using var document = JsonDocument.Parse(body.ToArray());
                if (document.RootElement.ValueKind != JsonValueKind.Object ||
                    !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                {
                    return default;
                }

                return new UsageLimit(
                    String(error, "type") ?? String(error, "code"),
                    String(error, "message"),
                    String(error, "plan_type"),
                    error.TryGetProperty("resets_at", out var at) && at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var unix)
                        ? DateTimeOffset.FromUnixTimeSeconds(unix)
                        : null,
                    error.TryGetProperty("resets_in_seconds", out var inSeconds) && inSeconds.ValueKind == JsonValueKind.Number && inSeconds.TryGetInt64(out var seconds)
                        ? seconds
                        : null);
            }
            catch (JsonException)
            {
                return default;
            }
        }

        public string Describe(TimeProvider time)
        {
            var wait = ResetsAt is { } at ? at - time.GetUtcNow() : ResetsInSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            var plan = Plan is null ? "" : $" ({Plan} plan)";
            var reset = wait is { } w ? $"; it resets in {Format(w)}" : "";
            return $"the ChatGPT usage limit was reached{plan}{reset}" + (Message is null ? "" : $" — {Message}");
        }

        private static string Format(TimeSpan wait)
        {
            if (wait <= TimeSpan.Zero)
            {
                return "a moment";
            }

            var culture = CultureInfo.InvariantCulture;
            return wait.TotalHours >= 1
                ? string.Format(culture, "{0} h {1} min", (int)wait.TotalHours, wait.Minutes)
                : string.Format(culture, "{0} min", Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes)));
        }

        private static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
