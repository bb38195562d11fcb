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
        var setPassword = await CliRunner.RunAsync(_env.Settings, ["access", "password", "--password-stdin"], Password + "\n");
        setPassword.ExitCode.ShouldBe(0, setPassword.ToString());

        // The link signs this browser in once and lands on a clean address.
        var first = await browser.NewContextAsync(_violations);
        var page = await first.NewPageAsync();
        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        page.Url.ShouldBe(_base.ToString());
        foreach (var path in new[] { "/sessions/new", "/mcp", "/sign-in" })
        {
            (await page.GotoAsync(new Uri(_base, path).ToString()))!.Status.ShouldBe(200);
        }

        await browser.ScreenshotAsync(page, "signed-in-by-link");

        // Used up: the same link in another browser shows why it did not work.
        var replay = await (await browser.NewContextAsync(_violations)).NewPageAsync();
        await replay.GotoAsync(link);
        await Expect(replay.Locator("#login-error")).ToContainTextAsync("expired or was already used");
        replay.Url.ShouldNotContain("code=");

        // Another browser opens a page: the sign-in form (401) in its place; the password brings it back there.
        var second = await browser.NewContextAsync(_violations);
        var other = await second.NewPageAsync();
        (await other.GotoAsync(new Uri(_base, "/mcp").ToString()))!.Status.ShouldBe(401);
        await Expect(other).ToHaveTitleAsync("Sign in · Maestro");
        await browser.ScreenshotAsync(other, "sign-in");
        await other.GetByLabel("Access token or password").FillAsync("not the password");
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(other.Locator("#login-error")).ToContainTextAsync("check the access token or password");
        await Expect(other.GetByLabel("Access token or password")).ToHaveAttributeAsync("aria-invalid", "true");
        await other.GetByLabel("Access token or password").FillAsync(Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "MCP servers" })).ToBeVisibleAsync();
        other.Url.ShouldBe(new Uri(_base, "/mcp").ToString());

        // Signing out ends this browser's session only.
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(other).ToHaveURLAsync(new Uri(_base, "/login").ToString());
        (await other.GotoAsync(_base.ToString()))!.Status.ShouldBe(401);
        (await page.ReloadAsync())!.Status.ShouldBe(200);

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

        var served = await page.RunAndWaitForResponseAsync(() => page.GotoAsync(attacker), r => r.Url == _base.ToString());
        served.Status.ShouldBe(200, "Maestro answered the framed request (the cookie was sent); the browser must still refuse to show it");
        served.Headers["x-frame-options"].ShouldBe("DENY");
        await Eventually.UntilAsync(() => framing.Any(v => v.Contains("frame-ancestors", StringComparison.Ordinal)), "Chromium to report the refused frame");
        var frame = page.Frames.Single(f => f != page.MainFrame);
        frame.Url.ShouldNotBe(_base.ToString());
        (await frame.ContentAsync()).ShouldNotContain("Dashboard");
    }

    [GeneratedRegex(@"Sign in: (\S+)")]
    private static partial Regex PrintedLink();
}
