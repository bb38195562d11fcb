[assembly: AssemblyFixture(typeof(Maestro.BrowserTests.BrowserFixture))]

namespace Maestro.BrowserTests;

/// <summary>
/// One headless Chromium for the run: Debian's /usr/bin/chromium, never a downloaded browser. Each test gets its own
/// context (cookies, storage) and page.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>artifacts/screenshots in the repository (gitignored).</summary>
    public string Screenshots { get; } = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing; install Debian's chromium package (scripts/test does).");
        }

        Directory.CreateDirectory(Screenshots);
        // Auto-waiting expectations, generous for a shared 2-core machine; nothing asserts on time.
        SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// A page in a new context (cookies, storage) signed in to <paramref name="host"/> as a browser is: the sign-in
    /// form posted with the access token, the session cookie kept. Every page of the context reports CSP violations to
    /// the host, which fails the test on dispose.
    /// </summary>
    public async Task<IPage> NewPageAsync(UiHost host)
    {
        var context = await NewContextAsync(host.CspViolations);
        var signIn = await context.APIRequest.PostAsync(host.Url("/login"), new APIRequestContextOptions
        {
            Form = context.APIRequest.CreateFormData().Set("secret", host.Server.AccessToken!),
        });
        signIn.Ok.ShouldBeTrue($"signing in: {signIn.Status} {await signIn.TextAsync()}");
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Waits until a click has led <paramref name="page"/> to <paramref name="url"/> and the new page's scripts have run,
    /// as a person would before typing: the URL changes as soon as the navigation commits, and keys pressed before
    /// app.js has run are plain keys (Enter adds a line to the message instead of sending it).
    /// </summary>
    public static async Task ArrivedAtAsync(IPage page, System.Text.RegularExpressions.Regex url)
    {
        await Expect(page).ToHaveURLAsync(url);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>A context (not signed in) whose pages report CSP violations to <paramref name="violations"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(System.Collections.Concurrent.ConcurrentQueue<string> violations)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(30_000);
        await WatchCspAsync(context, violations);
        return context;
    }

    /// <summary>
    /// Records every Content-Security-Policy violation of the context's pages: the DOM's securitypolicyviolation events
    /// (an init script, which Playwright injects outside the page's CSP) and Chromium's own console reports.
    /// </summary>
    public static async Task WatchCspAsync(IBrowserContext context, System.Collections.Concurrent.ConcurrentQueue<string> violations)
    {
        await context.AddInitScriptAsync("""
            document.addEventListener("securitypolicyviolation", (e) =>
              console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        context.Console += (_, message) =>
        {
            if (message.Type == "error" && (message.Text.Contains("Content Security Policy", StringComparison.Ordinal) || message.Text.StartsWith("CSP violation", StringComparison.Ordinal)))
            {
                violations.Enqueue($"{message.Location}: {message.Text}");
            }
        };
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        // From the top: sticky bars (the top bar, the composer) are drawn where the viewport is.
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
