namespace Maestro.Core.Providers;

/// <summary>The normalized error classes every provider maps its failures to.</summary>
public enum ProviderErrorKind
{
    /// <summary>401/403: the key or token was rejected. Names the auth.</summary>
    Authentication,

    /// <summary>404: unknown model (or endpoint). Names the model.</summary>
    NotFound,

    /// <summary>400: the request was malformed or had an unsupported value.</summary>
    InvalidRequest,

    /// <summary>The prompt is longer than the model's context window.</summary>
    ContextTooLong,

    /// <summary>429 that will clear: honour RetryAfter.</summary>
    RateLimited,

    /// <summary>Billing or quota exhausted: retrying will not help.</summary>
    QuotaExceeded,

    /// <summary>529 / 503: the provider is overloaded.</summary>
    Overloaded,

    /// <summary>Any other 5xx.</summary>
    Server,

    /// <summary>Connection failed, timed out, or the stream ended without the provider's completion event.</summary>
    Transport,
}

public static class ProviderErrorKindNames
{
    public static string ToWire(this ProviderErrorKind kind) => kind switch
    {
        ProviderErrorKind.Authentication => "authentication",
        ProviderErrorKind.NotFound => "not_found",
        ProviderErrorKind.InvalidRequest => "invalid_request",
        ProviderErrorKind.ContextTooLong => "context_too_long",
        ProviderErrorKind.RateLimited => "rate_limited",
        ProviderErrorKind.QuotaExceeded => "quota_exceeded",
        ProviderErrorKind.Overloaded => "overloaded",
        ProviderErrorKind.Server => "server_error",
        ProviderErrorKind.Transport => "transport",
        _ => "error",
    };

    /// <summary>Worth retrying (before any streamed byte) with backoff.</summary>
    public static bool IsTransient(this ProviderErrorKind kind) =>
        kind is ProviderErrorKind.RateLimited or ProviderErrorKind.Overloaded or ProviderErrorKind.Server or ProviderErrorKind.Transport;
}
