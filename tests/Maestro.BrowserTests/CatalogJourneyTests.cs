using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>
/// The first ten minutes: the first-run card and "Try it offline", the searchable model picker (and a typo refused
/// with close matches), Test on an auth, session search, and the collapsing navigation at phone width.
/// </summary>
public sealed partial class CatalogJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-catalog");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_new_user_tries_maestro_offline_from_the_first_run_card()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/"));
        var start = page.Locator("#first-run");
        await Expect(start.GetByRole(AriaRole.Link, new() { Name = "Add an auth" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "first-run");

        await start.GetByRole(AriaRole.Button, new() { Name = "Try it offline" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, new Regex("/sessions/demo$"));

        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Hello, Maestro");
        await box.PressAsync("Enter");
        var answer = page.Locator(".msg.assistant").Last;
        await Expect(answer).ToHaveClassAsync(new Regex("status-complete"), new() { Timeout = 60_000 });
        await Expect(answer.Locator(".msg-meta")).ToContainTextAsync("claude-sonnet-4-5-20250929");
        await Expect(answer.Locator(".msg-meta")).ToContainTextAsync("$");
        await browser.ScreenshotAsync(page, "offline-demo");

        // The dashboard no longer leads with the first-run card; the demo auth is there, and works.
        await page.GotoAsync(_host.Url("/"));
        await Expect(page.Locator("#first-run")).ToHaveCountAsync(0);
        await page.Locator("#auth-table").GetByRole(AriaRole.Button, new() { Name = "Test anthropic/demo" }).ClickAsync();
        await Expect(page.Locator("#auth-test-anthropic-demo")).ToContainTextAsync("OK");
    }

    [Fact]
    public async Task The_model_picker_searches_by_name_shows_window_and_price_and_is_driven_by_the_keyboard()
    {
        await _host.AddAuthAsync("picker", "key-picker");
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/new"));
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("picked");

        var model = page.GetByRole(AriaRole.Combobox, new() { Name = "Model" });
        await model.FillAsync("haiku-4");
        var list = page.Locator("#sf-models-picker");
        await Expect(list).ToBeVisibleAsync();
        await Expect(list.Locator("li:visible")).ToHaveCountAsync(1);
        await Expect(list.Locator("li:visible")).ToContainTextAsync("200k context");
        await Expect(list.Locator("li:visible")).ToContainTextAsync("$1 / $5 per M");
        await browser.ScreenshotAsync(page, "model-picker");

        await model.PressAsync("ArrowDown");
        await model.PressAsync("Enter");
        await Expect(model).ToHaveValueAsync("claude-haiku-4-5-20251001");
        await Expect(list).ToBeHiddenAsync();

        // A typo is refused on create, naming close matches; the model can be forced.
        await model.FillAsync("claude-sonet-4-5");
        await model.PressAsync("Escape");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        await Expect(page.Locator("#model-error")).ToContainTextAsync("Close matches: claude-sonnet-4-5-20250929");
        await model.FillAsync("claude-sonnet-4-5");
        await model.PressAsync("Escape");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/sessions/picked$"));
    }

    [Fact]
    public async Task Sessions_are_searched_and_filtered_by_auth_and_a_refused_key_shows_after_test()
    {
        await _host.AddAuthAsync("alpha", "key-alpha");
        await _host.AddSessionAsync("alpha-review", "anthropic/alpha");
        await _host.AddSessionAsync("alpha-notes", "anthropic/alpha");
        await _host.AddSessionAsync("beta-plan", "anthropic/alpha");
        (await _host.Server.Client.PostAsJsonAsync("/api/auths", new
        {
            provider = "anthropic",
            name = "refused",
            api_key = "invalid-browser-key",
            base_url = _host.Emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString(),
        })).EnsureSuccessStatusCode();

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/"));
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search sessions" }).FillAsync("alpha");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#session-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#session-table")).Not.ToContainTextAsync("beta-plan");
        await browser.ScreenshotAsync(page, "session-search");

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search sessions" }).FillAsync("nothing-like-this");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#session-table")).ToContainTextAsync("No session matches");

        await page.GotoAsync(_host.Url("/"));
        await page.Locator("#auth-table").GetByRole(AriaRole.Button, new() { Name = "Test anthropic/refused" }).ClickAsync();
        await Expect(page.Locator("#auth-test-anthropic-refused")).ToContainTextAsync("Key refused");
        await Expect(page.Locator("#auth-status-anthropic-refused")).ToContainTextAsync("Key refused");
        await browser.ScreenshotAsync(page, "auth-test");
    }

    [Fact]
    public async Task At_phone_width_the_navigation_collapses_behind_a_menu_button()
    {
        var page = await browser.NewPageAsync(_host);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(_host.Url("/"));
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(menu).ToBeVisibleAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "MCP servers" })).ToBeHiddenAsync();
        await browser.ScreenshotAsync(page, "phone-dashboard");

        await menu.ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "MCP servers" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "phone-nav");

        await page.Keyboard.PressAsync("Escape");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "MCP servers" })).ToBeHiddenAsync();

        // Nothing is wider than the phone: no sideways scrolling of the page.
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        overflow.ShouldBeFalse();

        await menu.ClickAsync();
        await nav.GetByRole(AriaRole.Link, new() { Name = "MCP servers" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/mcp$"));
    }
}
