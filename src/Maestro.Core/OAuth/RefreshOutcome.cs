using Maestro.Core.Auths;

namespace Maestro.Core.OAuth;

public enum RefreshResult
{
    /// <summary>No token request was needed: the stored token is fresh (perhaps another process just refreshed it).</summary>
    Fresh,

    /// <summary>This call exchanged the refresh token and saved the new tokens.</summary>
    Refreshed,

    /// <summary>The token endpoint failed temporarily; the stored tokens are unchanged and a retry comes later.</summary>
    Failed,

    /// <summary>The refresh token was refused (now or before): the auth needs a new login. It is kept.</summary>
    NeedsRelogin,
}

/// <param name="Credentials">The credentials now in storage (the new ones after a refresh).</param>
/// <param name="ExpiresAt">When the stored access token expires.</param>
public sealed record RefreshOutcome(RefreshResult Result, AuthCredentials Credentials, DateTimeOffset? ExpiresAt, string Message);
