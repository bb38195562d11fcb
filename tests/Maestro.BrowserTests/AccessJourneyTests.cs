using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Maestro.BrowserTests;

/// <summary>
/// Signing in to Maestro in Chromium: through the one-time link `maestro serve` prints, then (another browser) with the
/// password; signing out; and another page on this machine that frames the UI gets nothing (the headers forbid it).
/// </summary>
public sealed partial class AccessJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly ConcurrentQueue<string> _violations = new();
    private MaestroTestEnvironment _env = null!;
    private CliProcess _serve = null!;
    private Uri _base = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "browser-access");
        // Everything Maestro logs, so the check below that no secret reaches the log means something.
        _env.Settings["MAESTRO_LOG_LEVEL"] = "Trace";
        var port = CliProcess.FreePort();
        _serve = CliProcess.Start(_env.Settings, "serve", "--port", port.ToString(CultureInfo.InvariantCulture));
        await _serve.WaitForOutputAsync("Sign in: ");
        _base = new Uri($"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _serve.DisposeAsync();
        await _env.DisposeAsync();
        _violations.ShouldBeEmpty("no page may break the Content-Security-Policy");
    }

    [Fact]
    public async Task Sign_in_through_the_printed_link_then_with_the_password_and_sign_out()
    {
        var link = PrintedLink().Match(_serve.Output).Groups[1].Value;
        link.ShouldStartWith($"{_base}login#code=");
        var code = link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..];

        // The link signs this browser in once and lands on a clean address.
        var first = await (await browser.NewContextAsync(_violations)).NewPageAsync();
        await first.GotoAsync(link);
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        first.Url.ShouldBe(_base.ToString());
        foreach (var path in new[] { "/sessions/new", "/mcp", "/sign-in" })
        {
            (await first.GotoAsync(new Uri(_base, path).ToString()))!.Status.ShouldBe(200);
        }

        await browser.ScreenshotAsync(first, "signed-in-by-link");

        // Used up: the same link in another browser shows why it did not work.
        var replay = await (await browser.NewContextAsync(_violations)).NewPageAsync();
        await replay.GotoAsync(link);
        await Expect(replay.Locator("#login-error")).ToContainTextAsync("expired or was already used");
        replay.Url.ShouldNotContain("code=");

        // Setting a password ends every browser session: the next page is the sign-in form (401) in its place.
        var setPassword = await CliRunner.RunAsync(_env.Settings, ["access", "password", "--password-stdin"], Password + "\n");
        setPassword.ExitCode.ShouldBe(0, setPassword.ToString());
        (await first.GotoAsync(new Uri(_base, "/mcp").ToString()))!.Status.ShouldBe(401);
        await Expect(first).ToHaveTitleAsync("Sign in · Maestro");
        await browser.ScreenshotAsync(first, "sign-in");

        // A wrong password is refused without saying which part was wrong; the right one comes back to the page.
        var secret = first.GetByLabel("Access token or password");
        await secret.FillAsync("not the password");
        await first.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(first.Locator("#login-error")).ToContainTextAsync("check the access token or password");
        await Expect(secret).ToHaveAttributeAsync("aria-invalid", "true");
        await secret.FillAsync(Password);
        await first.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "MCP servers" })).ToBeVisibleAsync();
        first.Url.ShouldBe(new Uri(_base, "/mcp").ToString());

        // Another browser signs in with the token; signing out ends only that browser's session.
        var second = await (await browser.NewContextAsync(_violations)).NewPageAsync();
        await second.GotoAsync(new Uri(_base, "/login").ToString());
        await second.GetByLabel("Access token or password").FillAsync(WebServer.ReadAccessToken(_env.Home)!);
        await second.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(second.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(second).ToHaveURLAsync(new Uri(_base, "/login").ToString());
        (await second.GotoAsync(_base.ToString()))!.Status.ShouldBe(401);
        (await first.ReloadAsync())!.Status.ShouldBe(200);

        // Neither the code nor the token reached the server's log (only the printed link has the code).
        Regex.Count(_serve.Output, Regex.Escape(code)).ShouldBe(1, _serve.Output);
        _serve.Output.ShouldNotContain(WebServer.ReadAccessToken(_env.Home)!);
    }

    [Fact]
    public async Task Another_page_on_this_machine_cannot_frame_the_ui()
    {
        // A same-site page (another port on 127.0.0.1): the browser sends the session cookie with its frame request,
        // so only the headers stand between it and a clickable dashboard.
        var framing = new ConcurrentQueue<string>();
        var context = await browser.NewContextAsync(framing);
        var signIn = await context.APIRequest.PostAsync(new Uri(_base, "/login").ToString(), new APIRequestContextOptions
        {
            Form = context.APIRequest.CreateFormData().Set("secret", WebServer.ReadAccessToken(_env.Home)!),
        });
        signIn.Ok.ShouldBeTrue();
        var attacker = $"http://127.0.0.1:{CliProcess.FreePort()}/attack";
        await context.RouteAsync(attacker, route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"<!DOCTYPE html><title>elsewhere</title><iframe id=\"ui\" src=\"{_base}\" width=\"800\" height=\"600\"></iframe>",
        }));
        var page = await context.NewPageAsync();
        (await page.GotoAsync(_base.ToString()))!.Status.ShouldBe(200, "signed in: Maestro serves this browser");

        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"{message.Type}: {message.Text}");
        await page.GotoAsync(attacker);
        await Eventually.UntilAsync(() => page.Frames.Any(f => f != page.MainFrame && f.Url.StartsWith("chrome-error:", StringComparison.Ordinal)),
            "Chromium to refuse the frame: " + string.Join(" | ", page.Frames.Select(f => f.Url)) + " | " + string.Join(" | ", console));
        var frame = page.Frames.Single(f => f != page.MainFrame);
        (await frame.ContentAsync()).ShouldNotContain("Dashboard");
        (await page.Locator("#ui").BoundingBoxAsync()).ShouldNotBeNull("the frame is on the page; only its content is refused");
    }

    [Fact]
    public async Task The_policy_refuses_inline_script_and_style_and_the_watch_sees_it()
    {
        // The positive control for every journey's "no CSP violation": injected inline code is refused, and reported.
        var injected = new ConcurrentQueue<string>();
        var context = await browser.NewContextAsync(injected);
        (await context.APIRequest.PostAsync(new Uri(_base, "/login").ToString(), new APIRequestContextOptions
        {
            Form = context.APIRequest.CreateFormData().Set("secret", WebServer.ReadAccessToken(_env.Home)!),
        })).Ok.ShouldBeTrue();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_base.ToString());
        await page.EvaluateAsync("""
            document.body.insertAdjacentHTML("beforeend", '<img id="probe" src="/assets/none.png" onerror="document.title = \'owned\'">');
            const s = document.createElement("script"); s.textContent = "document.title = 'owned too'"; document.head.append(s);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
            """);
        await Eventually.UntilAsync(() => injected.Count(v => v.Contains("CSP violation", StringComparison.Ordinal)) >= 3,
            "three reported violations: " + string.Join(" | ", injected));
        (await page.TitleAsync()).ShouldBe("Maestro");
        injected.ShouldContain(v => v.Contains("script-src-attr", StringComparison.Ordinal));
        injected.ShouldContain(v => v.Contains("script-src-elem", StringComparison.Ordinal));
        injected.ShouldContain(v => v.Contains("style-src-attr", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Sign in: (\S+)")]
    private static partial Regex PrintedLink();
}
