using Maestro.Core.Auths;

namespace Maestro.Core.OAuth;

/// <summary>
/// When an access token is refreshed: ahead of expiry by max(20% of its lifetime, 5 minutes). A lifetime unknown
/// (no issue time) gets the 5 minutes.
/// </summary>
public static class RefreshGrace
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(5);

    public static TimeSpan For(DateTimeOffset? issuedAt, DateTimeOffset expiresAt)
    {
        if (issuedAt is not { } issued || issued >= expiresAt)
        {
            return Minimum;
        }

        var lifetime = expiresAt - issued;
        var grace = TimeSpan.FromTicks(Math.Max(lifetime.Ticks / 5, Minimum.Ticks));
        // A token living under ten minutes (emulators, tests) would be due the moment it is issued and be refreshed on
        // every use; keep the first half of its life usable.
        return grace > lifetime / 2 ? lifetime / 2 : grace;
    }

    /// <summary>When the credentials become due, or null when they do not expire.</summary>
    public static DateTimeOffset? DueAt(AuthCredentials credentials) =>
        credentials.ExpiresAt is { } expires ? expires - For(credentials.IssuedAt, expires) : null;

    public static bool IsDue(AuthCredentials credentials, DateTimeOffset now) => DueAt(credentials) is { } due && now >= due;

    public static bool IsExpired(AuthCredentials credentials, DateTimeOffset now) => credentials.ExpiresAt is { } expires && now >= expires;
}
