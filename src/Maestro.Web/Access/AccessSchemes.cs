namespace Maestro.Web.Access;

/// <summary>
/// The authentication schemes and the authorization policy that guard the UI and the API. Every endpoint needs the
/// <see cref="Policy"/> unless it says otherwise: a route group that authenticates differently (say, gateway keys)
/// calls <c>RequireAuthorization(itsOwnPolicy)</c>, whose policy names its own scheme.
/// </summary>
public static class AccessSchemes
{
    /// <summary>The default scheme: picks <see cref="Token"/> when an Authorization header is sent, else <see cref="Cookie"/>.</summary>
    public const string Default = "maestro";

    /// <summary><c>Authorization: Bearer &lt;access token&gt;</c>.</summary>
    public const string Token = "access-token";

    /// <summary>The browser-session cookie set by <c>/login</c>.</summary>
    public const string Cookie = "browser-session";

    /// <summary>Everyone is let in (only on loopback, with <c>--no-auth</c>).</summary>
    public const string Open = "open";

    /// <summary>The policy every page, fragment, live stream and API route needs (also the fallback policy).</summary>
    public const string Policy = "maestro-access";

    /// <summary>The rate-limiter policy of the sign-in form.</summary>
    public const string SignInRateLimit = "sign-in";
}
