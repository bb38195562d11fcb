namespace Maestro.Core.Providers.Http;

/// <summary>
/// Builds provider errors with the same one-line wording for every provider; each provider's mapper only decides the
/// kind and extracts the provider's own message and error type.
/// </summary>
public static class ProviderErrors
{
    /// <summary>The usual meaning of an HTTP status; providers refine it (context length, quota) from the body.</summary>
    public static ProviderErrorKind KindFromStatus(int status) => status switch
    {
        401 or 403 => ProviderErrorKind.Authentication,
        404 => ProviderErrorKind.NotFound,
        413 => ProviderErrorKind.ContextTooLong,
        429 => ProviderErrorKind.RateLimited,
        503 or 529 => ProviderErrorKind.Overloaded,
        >= 500 => ProviderErrorKind.Server,
        >= 400 => ProviderErrorKind.InvalidRequest,
        _ => ProviderErrorKind.Server,
    };

    public static ProviderException Create(
        ProviderErrorKind kind,
        ProviderRequestContext context,
        int? statusCode,
        string? providerMessage,
        string? providerErrorType = null,
        TimeSpan? retryAfter = null,
        Exception? inner = null)
    {
        var status = statusCode is null ? "" : $" ({statusCode})";
        var said = string.IsNullOrWhiteSpace(providerMessage) ? "" : $": {providerMessage.Trim()}";
        var (message, hint) = kind switch
        {
            ProviderErrorKind.Authentication => (
                $"{context.Provider} rejected auth {context.AuthLabel}{status}{said}",
                $"Check the key or login of {context.AuthLabel} (`maestro auth show {context.AuthLabel}`); replace it or log in again."),
            ProviderErrorKind.NotFound => (
                context.Model is null
                    ? $"{context.Provider} has no such resource{status}{said}"
                    : $"Model '{context.Model}' was not found at {context.Provider}{status}{said}",
                $"List the models this auth can use with `maestro models {context.AuthLabel}`."),
            ProviderErrorKind.InvalidRequest => ($"{context.Provider} refused the request{status}{said}", null),
            ProviderErrorKind.ContextTooLong => (
                $"The conversation is too long for {context.Model ?? "the model"}{status}{said}",
                "Compact the context (/compact) or delete context chunks, or use a model with a larger window."),
            ProviderErrorKind.RateLimited => (
                $"{context.Provider} rate-limited {context.AuthLabel}{status}{said}" + (retryAfter is { } r ? $" (retry after {r.TotalSeconds:0.#} s)" : ""),
                "Wait and try again, or use another auth."),
            ProviderErrorKind.QuotaExceeded => (
                $"{context.AuthLabel} has no quota left at {context.Provider}{status}{said}",
                "Check the account's billing or plan limits, or use another auth."),
            ProviderErrorKind.Overloaded => ($"{context.Provider} is overloaded{status}{said}", "Try again in a moment."),
            ProviderErrorKind.Server => ($"{context.Provider} failed with a server error{status}{said}", "Try again; if it persists, check the provider's status page."),
            _ => ($"Connection to {context.Provider} at {context.BaseUrl.Authority} failed{said}", "Check the network and the auth's base URL."),
        };
        return new ProviderException(kind, message, providerMessage, statusCode, retryAfter, providerErrorType, inner, hint);
    }

    /// <summary>The stream ended before the provider's completion event.</summary>
    public static ProviderException Truncated(ProviderRequestContext context, string? detail = null) => Create(
        ProviderErrorKind.Transport, context, null,
        detail ?? $"the stream from {context.BaseUrl.Authority} ended before the provider's completion event");
}
