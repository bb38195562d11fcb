using Maestro.Core.Providers;

namespace Maestro.Gateway.Outbound;

/// <summary>What went wrong, in terms every client format can express: a status, a class, a message, maybe a field.</summary>
/// <param name="Field">The request field to blame (OpenAI's <c>param</c>).</param>
/// <param name="Code">A machine-readable code where the format has one (OpenAI's <c>code</c>).</param>
internal sealed record GatewayError(int Status, ErrorClass Class, string Message, string? Field = null, string? Code = null, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// A provider's failure as the client sees it. The provider's own words are kept for the client's request mistakes
    /// (clients react to them, e.g. compacting on "prompt is too long"); an upstream credential problem is the gateway's
    /// (502), never the client's 401, so the client does not think its own key was refused.
    /// </summary>
    public static GatewayError From(ProviderException error) => error.Kind switch
    {
        ProviderErrorKind.InvalidRequest => new(400, ErrorClass.InvalidRequest, error.ProviderMessage ?? error.Message, Code: error.ProviderErrorType),
        ProviderErrorKind.ContextTooLong => new(400, ErrorClass.InvalidRequest, error.ProviderMessage ?? error.Message, Code: "context_length_exceeded"),
        ProviderErrorKind.NotFound => new(404, ErrorClass.NotFound, error.Message, "model", "model_not_found"),
        ProviderErrorKind.RateLimited => new(429, ErrorClass.RateLimit, error.Message, Code: "rate_limit_exceeded", RetryAfter: error.RetryAfter),
        ProviderErrorKind.QuotaExceeded => new(429, ErrorClass.Quota, error.Message, Code: "insufficient_quota", RetryAfter: error.RetryAfter),
        ProviderErrorKind.Overloaded => new(503, ErrorClass.Overloaded, error.Message, RetryAfter: error.RetryAfter),
        ProviderErrorKind.Authentication => new(502, ErrorClass.Upstream, Hinted(error)),
        _ => new(502, ErrorClass.Upstream, Hinted(error)),
    };

    private static string Hinted(ProviderException error) => error.Hint is null ? error.Message : $"{error.Message} {error.Hint}";
}

internal enum ErrorClass
{
    InvalidRequest,

    /// <summary>The client's own gateway key is missing or wrong.</summary>
    Authentication,

    /// <summary>The key may not use what it asked for.</summary>
    Permission,

    NotFound,
    RateLimit,

    /// <summary>A budget or a provider quota is used up.</summary>
    Quota,

    Overloaded,

    /// <summary>The provider behind the gateway failed.</summary>
    Upstream,
}
