using Maestro.Core.Auths;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.BrowserTests;

/// <summary>
/// OAuth logins in the web UI against the emulated authorization servers: Anthropic's paste-code login, OpenAI's
/// loopback callback (the login page updates by itself), and "refresh now" on the auth page down to "sign in again".
/// </summary>
public sealed class OAuthJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-oauth", oauth: true);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Anthropic_sign_in_by_pasting_the_code_the_sign_in_page_shows()
    {
        await _host.AddAuthAsync("keyed", "key-keyed");
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with OAuth", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in with OAuth" })).ToBeVisibleAsync();
        await page.GetByLabel("Provider").SelectOptionAsync("anthropic");
        // A name taken by an API key is refused beside the field, with the API's message.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("keyed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#name-error")).ToContainTextAsync("anthropic/keyed is an API-key auth; an OAuth login cannot replace it.");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("claude");
        await page.GetByLabel("Also create an API key from this login").CheckAsync();
        await browser.ScreenshotAsync(page, "oauth-sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in: anthropic/claude" })).ToBeVisibleAsync();
        await Expect(page.Locator("#oauth-flow-status")).ToContainTextAsync("Waiting");
        var signIn = page.GetByRole(AriaRole.Link, new() { Name = "Open the sign-in page" });
        await Expect(signIn).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await browser.ScreenshotAsync(page, "oauth-paste");

        // The user signs in in a new tab and copies the code the provider's page shows.
        var tab = await page.Context.RunAndWaitForPageAsync(() => signIn.ClickAsync());
        var code = (await tab.Locator("#code").TextContentAsync())!.Trim();
        await tab.CloseAsync();

        await page.GetByLabel("Code", new() { Exact = true }).FillAsync("not a code");
        await page.GetByRole(AriaRole.Button, new() { Name = "Finish sign-in" }).ClickAsync();
        await Expect(page.Locator("#code-error")).ToContainTextAsync("spaces or line breaks");
        await Expect(page.GetByLabel("Code", new() { Exact = true })).ToBeFocusedAsync();

        // A dashboard open in another tab shows the new auth as soon as the login completes.
        var dashboard = await page.Context.NewPageAsync();
        await dashboard.GotoAsync(_host.Url("/"));
        await Expect(dashboard.Locator("#auth-table")).Not.ToContainTextAsync("claude");

        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Finish sign-in" }).ClickAsync();
        await Expect(page.Locator("#oauth-flow-status")).ToContainTextAsync("Completed");
        await Expect(page.Locator("#oauth-flow-status")).ToContainTextAsync("saved as anthropic/claude");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open anthropic/claude" })).ToBeFocusedAsync();

        var live = dashboard.Locator("#auth-table tr", new() { HasText = "claude" });
        await Expect(live).ToContainTextAsync("Active · expires in");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the dashboard" }).ClickAsync();
        var row = page.Locator("#auth-table tr", new() { HasText = "claude" });
        await Expect(row).ToContainTextAsync("OAuth");
        await Expect(row).ToContainTextAsync("Active · expires in");
    }

    [Fact]
    public async Task OpenAI_sign_in_comes_back_to_the_loopback_callback_and_the_page_updates_by_itself()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sign-in"));
        await page.GetByLabel("Provider").SelectOptionAsync("openai");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Browser on this machine" })).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Another device" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Also create an API key from this login")).ToHaveCountAsync(0);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("work");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#oauth-flow-body")).ToContainTextAsync("Waiting for the browser to come back to");
        await browser.ScreenshotAsync(page, "oauth-callback");

        // The provider's page, in its own tab, sends the browser back to Maestro's loopback server.
        var tab = await page.Context.RunAndWaitForPageAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Open the sign-in page" }).ClickAsync());
        await Expect(tab.Locator("body")).ToContainTextAsync("Signed in");
        await tab.CloseAsync();

        await Expect(page.Locator("#oauth-flow-status")).ToContainTextAsync("Completed");
        await browser.ScreenshotAsync(page, "oauth-completed");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open openai/work" }).ClickAsync();
        await Expect(page.Locator(".details")).ToContainTextAsync("Plan");
        await Expect(page.Locator(".details")).ToContainTextAsync("Email");
        await Expect(page.Locator(".details")).ToContainTextAsync("active (expires in");

        // Refresh now; then the provider revokes the login, and the next refresh asks for a new sign-in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh now" }).ClickAsync();
        await Expect(page.Locator("#auth-refresh")).ToContainTextAsync("Refreshed the access token.");
        await Expect(page.Locator("#auth-token-state")).ToContainTextAsync("last refreshed");

        var stored = await _host.Server.App.Services.GetRequiredService<AuthService>()
            .GetWithCredentialsAsync(new AuthRef("openai", "work"), TestContext.Current.CancellationToken);
        _host.Emulator.OAuth.RevokeLogin(stored.Credentials.RefreshToken!).ShouldBeTrue();
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh now" }).ClickAsync();
        await Expect(page.Locator("#auth-refresh")).ToContainTextAsync("needs a new login");
        await Expect(page.Locator("#auth-status")).ToContainTextAsync("Needs re-login");
        await browser.ScreenshotAsync(page, "auth-detail-oauth");

        await page.Locator("#auth-refresh").GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("This renews openai/work");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("work");
    }
}
