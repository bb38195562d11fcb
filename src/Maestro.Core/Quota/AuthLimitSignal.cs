namespace Maestro.Core.Quota;

/// <summary>What one call said about an auth's limits.</summary>
/// <param name="Until">When the limit lifts, if the provider said (Retry-After, a reset time); otherwise a cooldown is assumed.</param>
/// <param name="Detail">One line for people, e.g. the provider's message.</param>
/// <param name="Windows">Quota windows the provider reported with the call, when it reports them.</param>
public sealed record AuthLimitSignal(
    AuthLimitKind Kind,
    DateTimeOffset? Until = null,
    string? Detail = null,
    IReadOnlyList<QuotaWindow>? Windows = null)
{
    public static AuthLimitSignal Ok { get; } = new(AuthLimitKind.Ok);
}

public enum AuthLimitKind
{
    /// <summary>The call went through (clears a past limit whose time has come).</summary>
    Ok,

    /// <summary>429: too many requests or tokens for now.</summary>
    RateLimited,

    /// <summary>The plan's or the account's quota is used up until a reset (or until billing changes).</summary>
    QuotaExhausted,

    /// <summary>The provider refused the credentials and a refresh did not help: only a new login or key will.</summary>
    NeedsRelogin,

    /// <summary>5xx, overloaded, or the provider could not be reached.</summary>
    ServerError,
}

public static class AuthLimitKindNames
{
    public static string ToWire(this AuthLimitKind kind) => kind switch
    {
        AuthLimitKind.Ok => "ok",
        AuthLimitKind.RateLimited => "rate_limited",
        AuthLimitKind.QuotaExhausted => "quota_exhausted",
        AuthLimitKind.NeedsRelogin => "needs_relogin",
        AuthLimitKind.ServerError => "server_error",
        _ => "unknown",
    };

    public static AuthLimitKind? FromWire(string? name) => name switch
    {
        "ok" => AuthLimitKind.Ok,
        "rate_limited" => AuthLimitKind.RateLimited,
        "quota_exhausted" => AuthLimitKind.QuotaExhausted,
        "needs_relogin" => AuthLimitKind.NeedsRelogin,
        "server_error" => AuthLimitKind.ServerError,
        _ => null,
    };
}
