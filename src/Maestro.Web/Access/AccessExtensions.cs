using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Web.Access;

/// <summary>
/// Wires access control into the web host with ASP.NET Core's own authentication and authorization: the access token
/// and the browser session as two schemes behind one default, a fallback policy that requires a signed-in caller on
/// every endpoint that does not say otherwise (<c>AllowAnonymous</c> on the few open ones, or its own policy), and the
/// sign-in rate limit.
/// </summary>
public static class AccessExtensions
{
    public static IServiceCollection AddMaestroAccess(this IServiceCollection services, AccessSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<BrowserSessionCookie>();
        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Access token or browser session", o => o.ForwardDefaultSelector = context =>
                !settings.Enabled ? AccessSchemes.Open
                : context.Request.Headers.Authorization.Count > 0 ? AccessSchemes.Token
                : AccessSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenHandler>(AccessSchemes.Token, null)
            .AddScheme<AuthenticationSchemeOptions, BrowserSessionHandler>(AccessSchemes.Cookie, null)
            .AddScheme<AuthenticationSchemeOptions, OpenAccessHandler>(AccessSchemes.Open, null);

        // No scheme named: the authentication middleware has already authenticated the default scheme into the
        // request's user, and a policy that names it again sends every request through the authentication service a
        // second time (a third of the authentication's allocations, ~4% of a session create's).
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessSchemes.Policy, policy)
            .SetFallbackPolicy(policy);
        services.AddRateLimiter(o => SignInRateLimit.Configure(o, settings));
        return services;
    }

    /// <summary>Believes X-Forwarded-For/-Proto only from the configured reverse proxies (none by default).</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, AccessSettings settings)
    {
        if (settings.TrustedProxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var network in settings.TrustedProxies)
        {
            options.KnownIPNetworks.Add(network);
        }

        return app.UseForwardedHeaders(options);
    }
}
