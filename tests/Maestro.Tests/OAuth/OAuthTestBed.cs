using System.Net;
using System.Text.RegularExpressions;
using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Emulator;
using Maestro.Emulator.OAuth;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>
/// A test class's OAuth world: the provider emulator with its authorization servers, a Maestro environment (own
/// database) whose OAuth endpoints, API base URLs and loopback redirect ports all point at loopback, and helpers that
/// play the user's browser with a real HttpClient.
/// </summary>
public sealed partial class OAuthTestBed : IAsyncDisposable
{
    private OAuthTestBed(EmulatorServer emulator, MaestroTestEnvironment environment, int openAIPort, int geminiPort)
    {
        Emulator = emulator;
        Environment = environment;
        OpenAIRedirect = new Uri($"http://localhost:{openAIPort}/auth/callback");
        GeminiRedirect = new Uri($"http://localhost:{geminiPort}/oauth2callback");
    }

    public EmulatorServer Emulator { get; }

    public EmulatedAuthorizationServer OAuth => Emulator.OAuth;

    public MaestroTestEnvironment Environment { get; }

    public Uri OpenAIRedirect { get; }

    public Uri GeminiRedirect { get; }

    /// <summary>The user's browser: follows redirects (from the authorization server to the loopback callback), keeps no cookies.</summary>
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<OAuthTestBed> CreateAsync(PostgresFixture postgres, string label)
    {
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        var environment = await MaestroTestEnvironment.CreateAsync(postgres, label);
        var openAIPort = CliProcess.FreePort();
        var geminiPort = CliProcess.FreePort();
        foreach (var (name, value) in emulator.OAuthSettings())
        {
            environment.Settings[name] = value;
        }

        environment.Settings["ANTHROPIC_API_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.Anthropic).AbsoluteUri;
        environment.Settings["OPENAI_API_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.OpenAI).AbsoluteUri;
        environment.Settings["GEMINI_API_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.Gemini).AbsoluteUri;
        environment.Settings["OPENAI_CHATGPT_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.ChatGpt).AbsoluteUri;
        environment.Settings["GEMINI_CODE_ASSIST_ENDPOINT"] = emulator.ProviderUrl(EmulatorProviders.CodeAssist).AbsoluteUri;
        environment.Settings["OPENAI_REDIRECT_URI"] = $"http://localhost:{openAIPort}/auth/callback";
        environment.Settings["GEMINI_OAUTH_REDIRECT_URI"] = $"http://localhost:{geminiPort}/oauth2callback";
        // Long messages on one line, as in a wide terminal.
        environment.Settings["COLUMNS"] = "400";
        // Never a real browser in tests.
        environment.Settings["DISPLAY"] = null;
        environment.Settings["WAYLAND_DISPLAY"] = null;
        return new OAuthTestBed(emulator, environment, openAIPort, geminiPort);
    }

    /// <summary>Opens the authorization URL like a browser and returns the page it ends on (the callback page, or the code page).</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri FinalUrl)> OpenAsync(Uri url)
    {
        using var response = await Browser.GetAsync(url, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.RequestMessage!.RequestUri!);
    }

    /// <summary>Opens Anthropic's authorization URL and returns the <c>code#state</c> its code page shows.</summary>
    public async Task<string> AnthropicCodeAsync(Uri authorizationUrl)
    {
        var (status, html, _) = await OpenAsync(authorizationUrl);
        status.ShouldBe(HttpStatusCode.OK, html);
        var match = CodePattern().Match(html);
        match.Success.ShouldBeTrue($"No code on the page: {html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Signs in to Anthropic through the whole paste flow, in process; returns the saved auth.</summary>
    public async Task<AuthRecord> LoginAnthropicAsync(IServiceProvider services, string name, bool createApiKey = false)
    {
        var logins = services.GetRequiredService<OAuthLoginService>();
        var flow = await logins.StartAsync(new OAuthStartRequest("anthropic", name, Options: new OAuthLoginOptions(CreateApiKey: createApiKey)), TestContext.Current.CancellationToken);
        var done = await logins.CompleteAsync(flow.Id, await AnthropicCodeAsync(flow.AuthorizationUrl!), TestContext.Current.CancellationToken);
        done.Status.ShouldBe(OAuthFlowStatus.Completed, done.Message);
        return await services.GetRequiredService<AuthService>().GetAsync(new AuthRef("anthropic", name), TestContext.Current.CancellationToken);
    }

    /// <summary>Makes the stored access token due for refresh (issued 59 minutes ago, expiring in one), keeping the tokens.</summary>
    public static async Task MakeDueAsync(IServiceProvider services, AuthRef auth)
    {
        var store = services.GetRequiredService<IAuthStore>();
        var stored = await services.GetRequiredService<AuthService>().GetWithCredentialsAsync(auth, TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        var credentials = stored.Credentials with { IssuedAt = now.AddMinutes(-59), ExpiresAt = now.AddMinutes(1) };
        await store.UpdateAsync(stored.Record.Id, new AuthUpdate { Credentials = credentials, ExpiresAt = credentials.ExpiresAt }, TestContext.Current.CancellationToken);
    }

    public static async Task<StoredAuth> StoredAsync(IServiceProvider services, AuthRef auth) =>
        await services.GetRequiredService<AuthService>().GetWithCredentialsAsync(auth, TestContext.Current.CancellationToken);

    /// <summary>The sign-in URL a `maestro auth login` process printed (an indented line starting with http).</summary>
    public static Uri PrintedUrl(string output, string pathPart)
    {
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("http", StringComparison.Ordinal) && l.Contains(pathPart, StringComparison.Ordinal));
        line.ShouldNotBeNull($"No URL containing {pathPart} in:\n{output}");
        return new Uri(line);
    }

    /// <summary>Console output with its line wrapping undone (the console wraps at 80 columns when redirected).</summary>
    public static string Flat(string output) => Whitespace().Replace(output, " ");

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await Environment.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("""<pre id="code">([^<]+)</pre>""")]
    private static partial Regex CodePattern();
}
