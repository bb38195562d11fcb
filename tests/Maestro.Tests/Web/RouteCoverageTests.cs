using System.Text;
using Maestro.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Web;

/// <summary>
/// Every route the app maps — read from its endpoint data source, so a route added later is covered the day it is
/// added — answers 401 without credentials, except the documented open ones below, and works (neither 401 nor 403)
/// with the access token and with a signed-in browser's cookie.
/// </summary>
public sealed class RouteCoverageTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>Open by design (README "Access"): the status-only health check and the sign-in page and form.</summary>
    private static readonly string[] Open = ["GET /health", "GET /login", "POST /login"];

    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "routes");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Every_route_needs_the_token_or_the_cookie_except_the_documented_open_ones()
    {
        var routes = Routes();
        routes.Select(r => r.Key).ShouldContain("GET /api/auths");
        routes.Select(r => r.Key).ShouldContain("GET /ui/live/dashboard");
        routes.Select(r => r.Key).ShouldContain("GET /sessions/{Name}");
        foreach (var open in Open)
        {
            routes.Select(r => r.Key).ShouldContain(open, "the open list names only routes that exist");
        }

        using var anonymous = _server.Anonymous();
        using var browser = await _server.SignInAsync();
        // Not following redirects (HttpClient drops the Authorization header on a redirect; the status says enough).
        using var token = _server.Anonymous();
        token.DefaultRequestHeaders.Authorization = new("Bearer", _server.AccessToken);
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var withoutCredentials = await SendAsync(anonymous, route);
            if (Open.Contains(route.Key) ? withoutCredentials is 401 or 403 : withoutCredentials != 401)
            {
                failures.Add($"{route.Key} ({route.Url}) without credentials: {withoutCredentials}");
            }

            foreach (var (name, client) in new[] { ("token", token), ("cookie", browser) })
            {
                var status = await SendAsync(client, route);
                if (status is 401 or 403)
                {
                    failures.Add($"{route.Key} ({route.Url}) with the {name}: {status}");
                }
            }
        }

        failures.ShouldBeEmpty($"{routes.Count} routes checked:\n{string.Join("\n", routes.Select(r => r.Key))}");
        TestContext.Current.SendDiagnosticMessage($"{routes.Count} routes checked, {Open.Length} open.");
    }

    private sealed record Route(string Method, string Pattern, string Url)
    {
        public string Key => $"{Method} {Pattern}";
    }

    /// <summary>Each mapped (method, route) with a URL that fills its parameters with made-up values.</summary>
    private List<Route> Routes()
    {
        var routes = new List<Route>();
        foreach (var endpoint in _server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                var text = "/" + (pattern.RawText ?? "").Trim('/');
                routes.Add(new Route(method, text, Url(pattern)));
            }
        }

        // Signing out last, so the cookie is still good for every other route.
        return [.. routes.DistinctBy(r => r.Key).OrderBy(r => r.Key == "POST /logout").ThenBy(r => r.Key, StringComparer.Ordinal)];
    }

    private static string Url(RoutePattern pattern)
    {
        var url = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            url.Append('/');
            foreach (var part in segment.Parts)
            {
                url.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Value(parameter),
                    _ => "",
                });
            }
        }

        return url.Length == 0 ? "/" : url.ToString();
    }

    private static string Value(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
        return constraints.Contains("guid") ? Guid.NewGuid().ToString()
            : constraints.Any(c => c is "int" or "long") ? "1"
            : "nosuch";
    }

    /// <summary>Sends the route's request as the UI or an API client would; reads only the headers of a stream.</summary>
    private static async Task<int> SendAsync(HttpClient client, Route route)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Url);
        request.Headers.Add("HX-Request", "true");
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = route.Url.StartsWith("/api/", StringComparison.Ordinal)
                ? new StringContent("{}", Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent([]);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return (int)response.StatusCode;
    }
}
