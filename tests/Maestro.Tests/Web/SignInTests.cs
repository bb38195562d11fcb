using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Maestro.Core.Access;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Web;

/// <summary>The access token, /login, the session cookie and what a caller without credentials gets, over HTTP.</summary>
public sealed class SignInTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "signin");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Without_credentials_the_api_says_how_to_authenticate_and_a_page_shows_the_sign_in_form()
    {
        using var anonymous = _server.Anonymous();
        using var api = await anonymous.GetAsync("/api/auths", Ct);
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer realm=\"maestro\"");
        using (var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync(Ct)))
        {
            problem.RootElement.GetProperty("code").GetString().ShouldBe("unauthorized");
            problem.RootElement.GetProperty("detail").GetString()!.ShouldContain("Authorization: Bearer");
            problem.RootElement.GetProperty("hint").GetString()!.ShouldContain("access-token");
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/auths") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
        using var rejected = await anonymous.SendAsync(wrong, Ct);
        rejected.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        rejected.Headers.WwwAuthenticate.ToString().ShouldContain("error=\"invalid_token\"");

        using var page = new HttpRequestMessage(HttpMethod.Get, "/sessions/talk?thread=2") { Headers = { Accept = { new("text/html") } } };
        using var login = await anonymous.SendAsync(page, Ct);
        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        login.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await login.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<title>Sign in · Maestro</title>");
        html.ShouldContain("name=\"next\" value=\"/sessions/talk?thread=2\"");
        html.ShouldNotContain("talk</");

        // A fragment asked for by htmx gets the JSON problem (app.js reloads the page, which shows the form).
        using var fragment = await anonymous.GetHtmxAsync("/ui/live/dashboard", Ct);
        fragment.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        fragment.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    [Fact]
    public async Task Health_is_open_but_shows_details_only_to_a_signed_in_caller()
    {
        using var anonymous = _server.Anonymous();
        var open = await anonymous.GetStringAsync("/health", Ct);
        open.ShouldBe("{\"status\":\"ok\"}");

        using var full = JsonDocument.Parse(await _server.Client.GetStringAsync("/health", Ct));
        full.RootElement.GetProperty("database").GetProperty("status").GetString().ShouldBe("ok");
        full.RootElement.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Signing_in_sets_a_strict_http_only_session_cookie_that_works_until_sign_out()
    {
        using var browser = _server.Anonymous(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        using var signIn = await browser.PostAsync("/login", Form(("secret", _server.AccessToken!), ("next", "/sessions/new")), Ct);
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await signIn.Content.ReadAsStringAsync(Ct)).ShouldBe("{\"redirect\":\"/sessions/new\"}");
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        var port = _server.BaseUrl.Port;
        setCookie.ShouldStartWith($"maestro_session_{port}=");
        setCookie.ShouldContain("httponly", Case.Insensitive);
        setCookie.ShouldContain("samesite=strict", Case.Insensitive);
        setCookie.ShouldContain("path=/", Case.Insensitive);
        setCookie.ShouldContain("expires=", Case.Insensitive);
        setCookie.ShouldNotContain("secure", Case.Insensitive, "plain http on loopback: a Secure cookie would never come back");
        var cookie = setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];

        (await SendWithCookieAsync(browser, HttpMethod.Get, "/api/auths", cookie)).ShouldBe(HttpStatusCode.OK);
        (await SendWithCookieAsync(browser, HttpMethod.Get, "/", cookie)).ShouldBe(HttpStatusCode.OK);
        // Only a local path is ever a place to go next.
        foreach (var next in new[] { "//evil.example/", "https://evil.example/", "/\\evil.example", "/login" })
        {
            using var elsewhere = await browser.PostAsync("/login", Form(("secret", _server.AccessToken!), ("next", next)), Ct);
            (await elsewhere.Content.ReadAsStringAsync(Ct)).ShouldBe("{\"redirect\":\"/\"}", next);
        }

        using var signOut = HtmxRequests.Create(HttpMethod.Post, "/logout");
        signOut.Headers.Add("Cookie", cookie);
        using var signedOut = await browser.SendAsync(signOut, Ct);
        signedOut.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        signedOut.Headers.GetValues("HX-Redirect").Single().ShouldBe("/login");
        signedOut.Headers.GetValues("Set-Cookie").Single().ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);
        (await SendWithCookieAsync(browser, HttpMethod.Get, "/api/auths", cookie)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_token_and_a_wrong_password_get_the_same_answer()
    {
        await _env.Services().GetRequiredService<AccessService>().SetPasswordAsync("correct horse battery staple", Ct);
        using var anonymous = _server.Anonymous();

        using var password = await anonymous.PostAsync("/login", Form(("secret", "correct horse battery staple")), Ct);
        password.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var wrongToken = await anonymous.PostAsync("/login", Form(("secret", AccessSecrets.Generate())), Ct);
        using var wrongPassword = await anonymous.PostAsync("/login", Form(("secret", "correct horse battery stapler")), Ct);
        wrongToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrongPassword.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = await wrongToken.Content.ReadAsStringAsync(Ct);
        (await wrongPassword.Content.ReadAsStringAsync(Ct)).ShouldBe(body);
        body.ShouldContain("That did not work: check the access token or password and try again.");

        using var empty = await anonymous.PostAsync("/login", Form(("secret", "")), Ct);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync(Ct)).ShouldContain("Enter the access token or the password.");
        using var json = await anonymous.PostAsync("/login", new StringContent("{\"secret\":\"x\"}", System.Text.Encoding.UTF8, "application/json"), Ct);
        json.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_sign_in_link_code_is_exchanged_once_for_the_cookie()
    {
        var code = await _env.Services().GetRequiredService<AccessService>().CreateSignInCodeAsync(Ct);
        using var anonymous = _server.Anonymous();

        using var first = await anonymous.PostAsync("/login", Form(("code", code), ("next", "/mcp")), Ct);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.Content.ReadAsStringAsync(Ct)).ShouldBe("{\"redirect\":\"/mcp\"}");
        first.Headers.Contains("Set-Cookie").ShouldBeTrue();

        using var again = await anonymous.PostAsync("/login", Form(("code", code)), Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await again.Content.ReadAsStringAsync(Ct)).ShouldContain("This sign-in link has expired or was already used.");
    }

    [Fact]
    public async Task The_sign_in_form_is_rate_limited_per_client_address()
    {
        _env.Settings["MAESTRO_SIGN_IN_ATTEMPTS_PER_MINUTE"] = "3";
        await using var server = await WebServer.StartAsync(_env);
        using var anonymous = server.Anonymous();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 7; i++)
        {
            var response = await anonymous.PostAsync("/login", Form(("secret", "guess-" + i)), Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        // 3 a minute here: the first three are judged, and of seven at least one is refused whatever the window does.
        statuses.Take(3).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        limited.ShouldNotBeNull(string.Join(", ", statuses));
        limited.Headers.RetryAfter.ShouldNotBeNull();
        (await limited.Content.ReadAsStringAsync(Ct)).ShouldContain("Too many sign-in attempts from your address.");

        // Another client address has its own allowance.
        using var fromElsewhere = server.Anonymous(FromAddress("127.0.0.2"));
        using var other = await fromElsewhere.PostAsync("/login", Form(("secret", server.AccessToken!)), Ct);
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Behind_an_https_proxy_the_cookie_is_secure_and_the_client_address_comes_from_the_proxy()
    {
        _env.Settings["MAESTRO_PUBLIC_URL"] = "https://maestro.example.test";
        _env.Settings["MAESTRO_TRUSTED_PROXIES"] = "127.0.0.1";
        _env.Settings["MAESTRO_SIGN_IN_ATTEMPTS_PER_MINUTE"] = "2";
        await using var server = await WebServer.StartAsync(_env);
        using var proxy = server.Anonymous();

        async Task<HttpResponseMessage> SignInAsync(string secret, string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = Form(("secret", secret)) };
            request.Headers.Host = "maestro.example.test";
            request.Headers.Add("X-Forwarded-For", client);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("Origin", "https://maestro.example.test");
            return await proxy.SendAsync(request, Ct);
        }

        using var signedIn = await SignInAsync(server.AccessToken!, "203.0.113.5");
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        setCookie.ShouldStartWith("__Host-maestro_session=");
        setCookie.ShouldContain("secure", Case.Insensitive);
        setCookie.ShouldContain("samesite=strict", Case.Insensitive);
        setCookie.ShouldContain("httponly", Case.Insensitive);

        // Each client behind the proxy has its own allowance (2 a minute here; of five, one at least is refused).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await SignInAsync("guess", "203.0.113.6");
            statuses.Add(response.StatusCode);
        }

        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
        using var another = await SignInAsync("guess", "203.0.113.7");
        another.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Open_streams_end_once_their_credentials_are_no_longer_valid()
    {
        _env.Settings["MAESTRO_STREAM_RECHECK_SECONDS"] = "1";
        await using var server = await WebServer.StartAsync(_env);
        using var browser = await server.SignInAsync();
        using var byToken = await server.Client.GetAsync("/api/oauth/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var byCookie = await browser.GetAsync("/ui/live/dashboard", HttpCompletionOption.ResponseHeadersRead, Ct);
        byToken.StatusCode.ShouldBe(HttpStatusCode.OK);
        byCookie.StatusCode.ShouldBe(HttpStatusCode.OK);
        var tokenEnded = DrainAsync(byToken);
        var cookieEnded = DrainAsync(byCookie);
        (await Task.WhenAny(tokenEnded, Task.Delay(TimeSpan.FromSeconds(3), Ct))).ShouldNotBe(tokenEnded, "a valid stream stays open");

        await _env.Services().GetRequiredService<AccessService>().RotateAsync(Ct);

        await tokenEnded.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await cookieEnded.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task Streams_that_end_stop_their_credential_watch_without_throwing()
    {
        // Every viewer's stream is watched; a thousand viewers closing must not mean a thousand exceptions.
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is OperationCanceledException && Environment.StackTrace.Contains("StreamRevalidation.WatchAsync", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref thrown);
            }
        }

        var server = await WebServer.StartAsync(_env);
        await using (server)
        {
            using var browser = await server.SignInAsync();
            using var byToken = await server.Client.GetAsync("/api/oauth/events", HttpCompletionOption.ResponseHeadersRead, Ct);
            using var byCookie = await browser.GetAsync("/ui/live/dashboard", HttpCompletionOption.ResponseHeadersRead, Ct);
            byToken.StatusCode.ShouldBe(HttpStatusCode.OK);
            byCookie.StatusCode.ShouldBe(HttpStatusCode.OK);
            AppDomain.CurrentDomain.FirstChanceException += Count;
            try
            {
                // Stopping the server ends both streams, and returns once their requests are over.
                await server.DisposeAsync();
            }
            finally
            {
                AppDomain.CurrentDomain.FirstChanceException -= Count;
            }
        }

        thrown.ShouldBe(0);
    }

    /// <summary>Reads a stream until the server ends it (or drops the connection).</summary>
    private static async Task DrainAsync(HttpResponseMessage response)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(Ct);
            await body.CopyToAsync(Stream.Null, Ct);
        }
        catch (IOException)
        {
        }
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static async Task<HttpStatusCode> SendWithCookieAsync(HttpClient client, HttpMethod method, string path, string cookie)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>Connects from another loopback address (Linux routes all of 127.0.0.0/8 to this machine).</summary>
    private static SocketsHttpHandler FromAddress(string address) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
