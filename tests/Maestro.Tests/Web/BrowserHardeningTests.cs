using System.Net;
using System.Net.Http.Json;
using Maestro.Tests.Infrastructure;
using Maestro.Web.Hosting;

namespace Maestro.Tests.Web;

/// <summary>The security headers on every kind of response, and the checks on state-changing requests.</summary>
public sealed class BrowserHardeningTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "hardening");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Every_kind_of_response_carries_the_security_headers()
    {
        using var anonymous = _server.Anonymous();
        var responses = new List<(string What, HttpResponseMessage Response)>
        {
            ("page", await _server.Client.GetAsync("/", Ct)),
            ("fragment", await _server.Client.GetHtmxAsync("/ui/models/options?auth=anthropic/nosuch&list=m", Ct)),
            ("api", await _server.Client.GetAsync("/api/providers", Ct)),
            ("live stream", await _server.Client.GetAsync("/ui/live/dashboard", HttpCompletionOption.ResponseHeadersRead, Ct)),
            ("api stream", await _server.Client.GetAsync("/api/oauth/events", HttpCompletionOption.ResponseHeadersRead, Ct)),
            ("asset", await anonymous.GetAsync("/assets/app.js", Ct)),
            ("library asset", await anonymous.GetAsync("/assets/lib/htmx.min.js", Ct)),
            ("sign-in page", await anonymous.GetAsync("/login", Ct)),
            ("health", await anonymous.GetAsync("/health", Ct)),
            ("401", await anonymous.GetAsync("/api/auths", Ct)),
            ("404 api", await _server.Client.GetAsync("/api/sessions/nosuch", Ct)),
            ("404 no route", await _server.Client.GetAsync("/no/such/page", Ct)),
            ("400", await _server.Client.PostAsJsonAsync("/api/auths", new { provider = "nosuch" }, Ct)),
            ("403 htmx only", await _server.Client.PostAsync("/ui/auths", new FormUrlEncodedContent([]), Ct)),
        };
        using var foreignHost = new HttpRequestMessage(HttpMethod.Get, "/api/providers") { Headers = { Host = "evil.example" } };
        responses.Add(("403 host", await _server.Client.SendAsync(foreignHost, Ct)));

        foreach (var (what, response) in responses)
        {
            var headers = response.Headers;
            headers.GetValues("Content-Security-Policy").Single().ShouldBe(SecurityHeaders.ContentSecurityPolicy, what);
            headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY", what);
            headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff", what);
            headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer", what);
            response.Dispose();
        }

        var csp = SecurityHeaders.ContentSecurityPolicy;
        foreach (var directive in new[] { "frame-ancestors 'none'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'" })
        {
            csp.Split("; ").ShouldContain(directive);
        }

        csp.ShouldNotContain("unsafe");
    }

    [Fact]
    public async Task State_changing_requests_from_an_opaque_or_foreign_origin_are_refused()
    {
        async Task<HttpResponseMessage> PostAsync(params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auths")
            {
                Content = JsonContent.Create(new { provider = "anthropic", name = "from_origin_" + headers.Length, api_key = "sk-ant-0123456789" }),
            };
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }

            return await _server.Client.SendAsync(request, Ct);
        }

        using var opaque = await PostAsync(("Origin", "null"));
        opaque.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await opaque.Content.ReadAsStringAsync(Ct)).ShouldContain("opaque origin (Origin: null)");

        using var foreign = await PostAsync(("Origin", "http://127.0.0.1:1"));
        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var crossSite = await PostAsync(("Origin", _server.BaseUrl.GetLeftPart(UriPartial.Authority)), ("Sec-Fetch-Site", "cross-site"));
        crossSite.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The UI's own requests (htmx, fetch) carry the page's origin and go through; so do clients that send none.
        using var sameOrigin = await PostAsync(("Origin", _server.BaseUrl.GetLeftPart(UriPartial.Authority)), ("Sec-Fetch-Site", "same-origin"));
        sameOrigin.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var noOrigin = await PostAsync();
        noOrigin.StatusCode.ShouldBe(HttpStatusCode.Created);

        // Reading is never refused for its origin (another site cannot read the answer anyway: no CORS).
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/auths") { Headers = { { "Origin", "null" } } };
        (await _server.Client.SendAsync(read, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
