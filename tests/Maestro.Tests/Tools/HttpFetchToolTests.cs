using System.Collections.Concurrent;
using System.Net;
using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Tests.Tools;

/// <summary>http_fetch against a real Kestrel on 127.0.0.1; "localhost" is the host that is not allowed.</summary>
public sealed class HttpFetchToolTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication _server = null!;
    private ToolWorkspace _ws = null!;
    private int _port;

    private string Allowed(string path) => $"http://127.0.0.1:{_port}{path}";

    private string Refused(string path) => $"http://localhost:{_port}{path}";

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.Use(async (context, next) =>
        {
            _requests.Enqueue($"{context.Request.Method} {context.Request.Host.Host}{context.Request.Path}");
            await next(context);
        });
        _server.MapMethods("/hello", ["GET", "HEAD"], () => Results.Text("hello from loopback", "text/plain; charset=utf-8"));
        _server.MapGet("/json", () => Results.Text("{\"ok\":true}", "application/json"));
        _server.MapGet("/missing", () => Results.Text("not here", "text/plain", statusCode: 404));
        _server.MapGet("/redirect", () => Results.Redirect("/hello"));
        _server.MapGet("/see-other", (HttpContext c) => { c.Response.StatusCode = 303; c.Response.Headers.Location = "/json"; });
        _server.MapGet("/redirect-out", () => Results.Redirect($"http://localhost:{_port}/secret"));
        _server.MapGet("/redirect-ftp", () => Results.Redirect("ftp://127.0.0.1/file"));
        _server.MapGet("/secret", () => Results.Text("the secret"));
        _server.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{n + 1}"));
        _server.MapGet("/binary", () => Results.Bytes([0x25, 0x50, 0x44, 0x46, 0x00, 0x01], "application/pdf"));
        _server.MapGet("/big", () => Results.Text(new string('a', 50_000) + "END", "text/plain"));
        await _server.StartAsync();
        _port = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        _ws = new ToolWorkspace(settings: new Dictionary<string, string?> { [HttpAllowList.SettingName] = "127.0.0.1, *.example.com" });
    }

    public async ValueTask DisposeAsync()
    {
        _ws.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_allowed_host_is_fetched_with_status_type_and_body()
    {
        var result = await _ws.RunAsync("http_fetch", new { url = Allowed("/hello") });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldBe("HTTP 200 OK\nContent-Type: text/plain; charset=utf-8\nContent-Length: 19\n\nhello from loopback");
        result.Summary.ShouldBe("GET 127.0.0.1: 200");

        (await _ws.RunAsync("http_fetch", new { url = Allowed("/json") })).Text.ShouldEndWith("\n\n{\"ok\":true}");
        var missing = await _ws.RunAsync("http_fetch", new { url = Allowed("/missing") });
        missing.IsError.ShouldBeFalse();
        missing.Text.ShouldStartWith("HTTP 404 Not Found\n");
        missing.Text.ShouldEndWith("\n\nnot here");
    }

    [Fact]
    public async Task A_host_that_is_not_allowed_is_refused_without_a_request_and_the_setting_is_named()
    {
        var result = await _ws.RunAsync("http_fetch", new { url = Refused("/secret") });

        result.IsError.ShouldBeTrue();
        result.Text.ShouldBe(
            "http_fetch may not reach 'localhost': the host is not on the allow-list. The user can allow it by adding it to " +
            "MAESTRO_HTTP_FETCH_ALLOW (comma-separated hosts; '*.example.com' for subdomains, '*' for every host). Do not try to reach it another way.");
        _requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Nothing_is_allowed_by_default()
    {
        using var ws = new ToolWorkspace();

        var result = await ws.RunAsync("http_fetch", new { url = Allowed("/hello") });

        result.IsError.ShouldBeTrue();
        result.Text.ShouldContain("MAESTRO_HTTP_FETCH_ALLOW");
        _requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Redirects_to_allowed_hosts_are_followed_and_shown()
    {
        var result = await _ws.RunAsync("http_fetch", new { url = Allowed("/redirect") });

        result.Text.ShouldStartWith($"HTTP 200 OK\nRedirected: {Allowed("/redirect")} → {Allowed("/hello")}\n");
        result.Text.ShouldEndWith("hello from loopback");

        (await _ws.RunAsync("http_fetch", new { url = Allowed("/see-other") })).Text.ShouldEndWith("{\"ok\":true}");
    }

    [Fact]
    public async Task A_redirect_to_a_host_that_is_not_allowed_is_refused_before_it_is_requested()
    {
        var result = await _ws.RunAsync("http_fetch", new { url = Allowed("/redirect-out") });

        result.IsError.ShouldBeTrue();
        result.Text.ShouldStartWith($"http_fetch may not reach 'localhost' (reached by a redirect from {Allowed("/redirect-out")}): the host is not on the allow-list.");
        _requests.ShouldBe(["GET 127.0.0.1/redirect-out"]);
    }

    [Fact]
    public async Task Redirect_chains_are_bounded_and_other_schemes_are_not_followed()
    {
        var loop = await _ws.RunAsync("http_fetch", new { url = Allowed("/loop/0") });
        loop.IsError.ShouldBeTrue();
        loop.Text.ShouldStartWith($"{Allowed("/loop/0")} redirected more than 5 times (next: {Allowed("/loop/6")}).");
        _requests.Count.ShouldBe(6);

        (await _ws.RunAsync("http_fetch", new { url = Allowed("/redirect-ftp") })).Text.ShouldContain("which is not an http(s) URL");
    }

    [Fact]
    public async Task Binary_responses_are_refused_and_long_ones_cut()
    {
        var binary = await _ws.RunAsync("http_fetch", new { url = Allowed("/binary") });
        binary.IsError.ShouldBeTrue();
        binary.Text.ShouldBe($"HTTP 200 OK from {Allowed("/binary")}: the response is application/pdf (6 B), not text, so it is not shown. http_fetch returns text only (HTML, JSON, XML, plain text).");

        _ws.Context = new ToolContext { WorkingDirectory = _ws.Root, SessionId = Guid.NewGuid(), Limits = _ws.Context.Limits with { MaxOutputChars = 1_000 } };
        var big = await _ws.RunAsync("http_fetch", new { url = Allowed("/big") });
        big.IsError.ShouldBeFalse();
        big.Text.ShouldNotContain("END");
        big.Text.ShouldEndWith($"{new string('a', 20)}\n\n[Response cut after 1,000 characters of a 48.8 KB response. Fetch a more specific URL for the rest.]");
        big.Details!["truncated"].ShouldBe(true);
    }

    [Fact]
    public async Task Head_returns_the_status_and_headers_only()
    {
        var result = await _ws.RunAsync("http_fetch", new { url = Allowed("/hello"), method = "head" });

        result.Text.ShouldStartWith("HTTP 200 OK\n");
        result.Text.ShouldContain("Content-Type: text/plain; charset=utf-8");
        result.Text.ShouldNotContain("hello from loopback");
        _requests.ShouldBe(["HEAD 127.0.0.1/hello"]);
    }

    [Fact]
    public async Task Bad_urls_and_methods_are_argument_errors()
    {
        (await _ws.RefusedAsync("http_fetch", new { url = Allowed("/hello"), method = "POST" })).Message.ShouldContain("must be GET or HEAD");
        (await _ws.RefusedAsync("http_fetch", new { url = "ftp://127.0.0.1/file" })).Argument.ShouldBe("url");
        (await _ws.RefusedAsync("http_fetch", new { url = "file:///etc/passwd" })).Argument.ShouldBe("url");
        (await _ws.RefusedAsync("http_fetch", new { url = "/relative" })).Argument.ShouldBe("url");
        _requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unreachable_host_is_a_readable_error()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var result = await _ws.RunAsync("http_fetch", new { url = "http://127.0.0.1:1/" });

        result.IsError.ShouldBeTrue();
        result.Text.ShouldStartWith("Could not fetch http://127.0.0.1:1/:");
    }

    [Theory]
    [InlineData("docs.python.org", "docs.python.org", true)]
    [InlineData("DOCS.python.org.", "docs.python.org", true)]
    [InlineData("api.example.com", "*.example.com", true)]
    [InlineData("a.b.example.com", "*.example.com", true)]
    [InlineData("example.com", "*.example.com", false)]
    [InlineData("evilexample.com", "*.example.com", false)]
    [InlineData("example.com.evil.net", "example.com", false)]
    [InlineData("anything.at.all", "*", true)]
    [InlineData("[::1]", "::1", true)]
    [InlineData("localhost", "127.0.0.1", false)]
    public void The_allow_list_matches_exact_hosts_and_subdomain_wildcards(string host, string setting, bool allowed) =>
        HttpAllowList.Allows(HttpAllowList.Parse(setting), host).ShouldBe(allowed);

    [Fact]
    public void The_allow_list_setting_is_a_comma_separated_list() =>
        HttpAllowList.Parse(" a.com, *.b.org ,,C.NET ").ShouldBe(["a.com", "*.b.org", "c.net"]);
}
