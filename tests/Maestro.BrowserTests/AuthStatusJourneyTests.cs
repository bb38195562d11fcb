using System.Net.Http.Json;

namespace Maestro.BrowserTests;

/// <summary>
/// An auth's page keeps its status badge current without a reload: the key is refused after a change made elsewhere
/// (the API, as another tab or the CLI would), and the badge turns "Key refused"; a working call turns it back.
/// </summary>
public sealed class AuthStatusJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-authstatus");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_auth_page_badge_follows_a_refused_key_and_its_recovery_without_a_reload()
    {
        await _host.AddAuthAsync("watched", "key-watched");
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/auths/anthropic/watched"));
        var badge = page.Locator("#auth-status");
        await Expect(badge).ToHaveTextAsync("Active");
        // A reload would drop this mark: it shows that the badge changed in the page as loaded.
        await page.EvaluateAsync("() => { window.maestroMark = 'same page'; }");

        // Elsewhere: the key is replaced by one the provider refuses, and a Test over the API finds out.
        (await _host.Server.Client.PatchAsJsonAsync("/api/auths/anthropic/watched", new { api_key = "invalid-watched-key" })).EnsureSuccessStatusCode();
        (await _host.Server.Client.PostAsync("/api/auths/anthropic/watched/test", null)).EnsureSuccessStatusCode();
        await Expect(badge).ToHaveTextAsync("Key refused");
        await browser.ScreenshotAsync(page, "auth-live-badge");

        // The good key back, and an ordinary call that works: Active again, still without a reload.
        (await _host.Server.Client.PatchAsJsonAsync("/api/auths/anthropic/watched", new { api_key = "key-watched" })).EnsureSuccessStatusCode();
        (await _host.Server.Client.GetAsync("/api/auths/anthropic/watched/models?refresh=true")).EnsureSuccessStatusCode();
        await Expect(badge).ToHaveTextAsync("Active");
        (await page.EvaluateAsync<string>("() => window.maestroMark")).ShouldBe("same page");
    }
}
