namespace Maestro.Core.Auths;

/// <summary>What a user can expect when they use the auth now.</summary>
public enum AuthStatus
{
    /// <summary>Usable (an OAuth auth may still be close to expiry; see ExpiresAt).</summary>
    Active,

    /// <summary>A token refresh is in flight.</summary>
    Refreshing,

    /// <summary>The provider rejected the refresh token; only a new login helps. The auth is kept.</summary>
    NeedsRelogin,
}

public static class AuthStatusNames
{
    public static string ToWire(this AuthStatus status) => status switch
    {
        AuthStatus.Active => "active",
        AuthStatus.Refreshing => "refreshing",
        AuthStatus.NeedsRelogin => "needs_relogin",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static AuthStatus Parse(string value) => value switch
    {
        "active" => AuthStatus.Active,
        "refreshing" => AuthStatus.Refreshing,
        "needs_relogin" => AuthStatus.NeedsRelogin,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown auth status."),
    };
}
