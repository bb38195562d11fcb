using System.Text.RegularExpressions;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>
/// An OpenAI-compatible provider added on the Settings page is usable at once: an auth is added for it on the
/// dashboard (pointing at the emulator's Chat Completions endpoint) and a chat streams through it.
/// </summary>
public sealed class ProviderJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-providers");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string EmulatorUrl => $"{_host.Emulator.ProviderUrl(EmulatorProviders.OpenAI).AbsoluteUri.TrimEnd('/')}/v1";

    [Fact]
    public async Task Add_a_provider_in_settings_add_an_auth_for_it_and_chat()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/settings"));
        var section = page.Locator("#provider-settings");
        await section.GetByLabel("Id", new() { Exact = true }).FillAsync("local-llm");
        await section.GetByLabel("Display name").FillAsync("Local LLM");
        await section.GetByLabel("Base URL").FillAsync(EmulatorUrl);
        await section.GetByLabel("Default model (optional)").FillAsync("gpt-4o-mini");
        await section.GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await Expect(page.Locator("#provider-table")).ToContainTextAsync("Local LLM");
        await Expect(page.Locator("#provider-settings").GetByRole(AriaRole.Status)).ToContainTextAsync("Added local-llm");

        // A taken id is refused next to its field, with what was typed kept.
        section = page.Locator("#provider-settings");
        await section.GetByLabel("Id", new() { Exact = true }).FillAsync("openai");
        await section.GetByLabel("Base URL").FillAsync(EmulatorUrl);
        await section.GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await Expect(page.Locator("#id-error")).ToContainTextAsync("built-in provider");
        await Expect(page.Locator("#provider-settings").GetByLabel("Id", new() { Exact = true })).ToHaveValueAsync("openai");

        // Edit it: the form comes back filled in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit local-llm" }).ClickAsync();
        // The refused form above holds the same base URL, so wait for the edit form's own button before typing.
        section = page.Locator("#provider-settings");
        await Expect(section.GetByRole(AriaRole.Button, new() { Name = "Save provider" })).ToBeVisibleAsync();
        await Expect(section.GetByLabel("Id", new() { Exact = true })).ToHaveValueAsync("local-llm");
        await Expect(section.GetByLabel("Base URL")).ToHaveValueAsync(EmulatorUrl);
        await section.GetByLabel("Display name").FillAsync("Emulated LLM");
        await section.GetByRole(AriaRole.Button, new() { Name = "Save provider" }).ClickAsync();
        await Expect(page.Locator("#provider-table")).ToContainTextAsync("Emulated LLM");
        await Expect(page.Locator("#provider-table")).ToContainTextAsync("Saved here");
        await browser.ScreenshotAsync(page, "settings-providers");

        // The new provider is in the dashboard's provider choice.
        await page.GotoAsync(_host.Url("/"));
        await page.GetByLabel("Provider").SelectOptionAsync("local-llm");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("box");
        await page.GetByLabel("API key").FillAsync("key-compat-journey");
        await page.GetByText("Advanced").ClickAsync();
        await page.GetByLabel("Base URL (optional)").FillAsync(EmulatorUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add auth" }).ClickAsync();
        await Expect(page.Locator("#auth-table")).ToContainTextAsync("local-llm/box");

        await page.Locator("#main").GetByRole(AriaRole.Link, new() { Name = "New session" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("compat");
        await Expect(page.GetByLabel("Auth", new() { Exact = true })).ToHaveValueAsync("local-llm/box");
        await Expect(page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync(new Regex("^gpt-4o-mini"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, new Regex("/sessions/compat$"));

        _host.Emulator.Control.Enqueue("key-compat-journey", new ScriptedResponse { Text = "Hello from a Chat Completions server.", TokensPerSecond = 20 });
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Say hello");
        await box.PressAsync("Enter");
        var answer = page.Locator(".msg.assistant").Last;
        await Expect(answer).ToHaveClassAsync(new Regex("status-complete"));
        await Expect(answer).ToContainTextAsync("Hello from a Chat Completions server.");
        await Expect(answer.Locator(".msg-meta")).ToContainTextAsync("gpt-4o-mini");
        _host.Emulator.Control.Requests("key-compat-journey").ShouldContain(r => r.Path == "/openai/v1/chat/completions");
        await browser.ScreenshotAsync(page, "compat-chat");

        // Removing it is confirmed first, and refused while its auth exists.
        await page.GotoAsync(_host.Url("/settings"));
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove local-llm" }).ClickAsync();
        await Expect(page.Locator("#provider-form-error")).ToContainTextAsync("local-llm/box");
        await Expect(page.Locator("#provider-table")).ToContainTextAsync("local-llm");
    }
}
