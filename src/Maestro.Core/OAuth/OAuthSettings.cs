using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Core.OAuth;

/// <summary>Provider-neutral OAuth settings (environment variables in parentheses).</summary>
public sealed record OAuthSettings
{
    /// <summary>How long a started login waits for the browser or a pasted code (MAESTRO_OAUTH_LOGIN_TIMEOUT seconds, default 600).</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the server's background refresher looks for tokens due (MAESTRO_OAUTH_REFRESH_INTERVAL seconds, default 60).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>First wait after a refresh failed temporarily; doubles per failure up to <see cref="MaxRefreshBackoff"/>.</summary>
    public TimeSpan RefreshBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRefreshBackoff { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Finished logins are kept this long for status queries, then deleted.</summary>
    public TimeSpan KeepFinishedFlows { get; init; } = TimeSpan.FromDays(1);

    public static OAuthSettings From(IConfiguration configuration) => new()
    {
        LoginTimeout = TimeSpan.FromSeconds(configuration.GetInt("MAESTRO_OAUTH_LOGIN_TIMEOUT", 600, min: 10, max: 86_400)),
        RefreshInterval = TimeSpan.FromSeconds(configuration.GetInt("MAESTRO_OAUTH_REFRESH_INTERVAL", 60, min: 1, max: 86_400)),
        RefreshBackoff = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_OAUTH_REFRESH_BACKOFF_MS", 30_000, min: 1, max: 3_600_000)),
    };
}
