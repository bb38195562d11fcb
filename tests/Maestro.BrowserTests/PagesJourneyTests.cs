using System.Net.Http.Json;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>The session's other pages and the auth detail page: context (remove a chunk), history (search), settings, auth.</summary>
public sealed class PagesJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await UiHost.StartAsync(postgres, "browser-pages");
        await _host.AddAuthAsync("notes", "key-notes");
        await _host.AddSessionAsync("notes", "anthropic/notes");
        _host.Emulator.Control.Enqueue("key-notes", ScriptedResponse.FromText("First answer."), ScriptedResponse.FromText("Second answer."));
        await _host.ChatAsync("notes", "the first question");
        await _host.ChatAsync("notes", "the second question");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Removing_a_context_chunk_takes_it_out_of_the_context()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/notes/context"));
        var rows = page.Locator("#context-report tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(page.GetByRole(AriaRole.Meter)).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "context");

        await rows.First.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Removed one chunk");
        await Expect(page.Locator("#context-report")).Not.ToContainTextAsync("the first question");

        // The chat still shows it, marked as no longer in the context.
        await page.GotoAsync(_host.Url("/sessions/notes"));
        await Expect(page.Locator(".msg.user.excluded")).ToContainTextAsync("the first question");
    }

    [Fact]
    public async Task The_model_can_be_switched_between_turns()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/notes"));
        var model = page.GetByLabel("Model", new() { Exact = true });
        await model.FillAsync("claude-haiku-4-5-20251001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("#bar-status")).ToContainTextAsync("Saved: the next turn uses claude-haiku-4-5-20251001");

        await model.FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("#bar-model-error")).ToContainTextAsync("Model cannot be empty.");

        var session = await _host.Server.Client.GetStringAsync("/api/sessions/notes");
        session.ShouldContain("\"model\":\"claude-haiku-4-5-20251001\"");
    }

    [Fact]
    public async Task A_change_made_elsewhere_shows_in_the_session_bar_but_does_not_replace_what_is_being_typed_there()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/notes"));
        var model = page.GetByLabel("Model", new() { Exact = true });

        // Changed elsewhere (here the API; another tab the same): the bar follows, live.
        await ChangeModelElsewhereAsync("claude-opus-4-5-20251101");
        await Expect(model).ToHaveValueAsync("claude-opus-4-5-20251101");

        // A model being typed and not yet applied stays when the next change arrives, and applying it saves it.
        await model.FillAsync("claude-haiku-4-5-20251001");
        await page.EvaluateAsync("""
            () => {
              window.__barUpdates = 0;
              document.addEventListener("htmx:sseMessage", (e) => { if (String(e.detail.data).includes('id="session-bar"')) window.__barUpdates++; });
            }
            """);
        await ChangeModelElsewhereAsync("claude-opus-4-1-20250805");
        await page.WaitForFunctionAsync("() => window.__barUpdates > 0");
        await Expect(model).ToHaveValueAsync("claude-haiku-4-5-20251001");

        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("#bar-status")).ToContainTextAsync("Saved: the next turn uses claude-haiku-4-5-20251001");
        (await _host.Server.Client.GetStringAsync("/api/sessions/notes")).ShouldContain("\"model\":\"claude-haiku-4-5-20251001\"");
    }

    private async Task ChangeModelElsewhereAsync(string model)
    {
        using var response = await _host.Server.Client.PatchAsJsonAsync("/api/sessions/notes", new { model });
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Mcp_servers_are_added_tested_imported_and_attached_to_a_session()
    {
        await McpServerPackage.EnsureInstalledAsync();
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/mcp"));
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("everything");
        await page.GetByLabel("Command (stdio)").FillAsync($"node {McpServerPackage.Script} stdio");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add server" }).ClickAsync();
        await Expect(page.Locator("#mcp-form")).ToContainTextAsync("Added everything.");
        await Expect(page.Locator("#mcp-table")).ToContainTextAsync("everything");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test everything" }).ClickAsync();
        await Expect(page.Locator(".test-result")).ToContainTextAsync("connected");
        await Expect(page.Locator(".test-result")).ToContainTextAsync("echo");

        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            mcpServers = new Dictionary<string, object> { ["imported"] = new { command = "node", args = new[] { McpServerPackage.Script, "stdio" } } },
        });
        await page.GetByLabel("Configuration").FillAsync(json);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Expect(page.Locator("#mcp-import")).ToContainTextAsync("1 imported");
        await Expect(page.Locator("#mcp-table")).ToContainTextAsync("imported");
        await browser.ScreenshotAsync(page, "mcp");

        // Adding one that is not valid shows the service's message beside the field.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("broken");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add server" }).ClickAsync();
        await Expect(page.Locator("#mcp-form .field-error").First).ToBeVisibleAsync();

        await page.GotoAsync(_host.Url("/sessions/notes/settings"));
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "everything" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#session-form")).ToContainTextAsync("Saved.");
        await page.GotoAsync(_host.Url("/mcp"));
        await Expect(page.Locator("#mcp-table tr", new() { HasText = "everything" }).First).ToContainTextAsync("notes");
    }

    [Fact]
    public async Task History_finds_messages_and_lists_threads()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/notes/history"));
        await page.GetByLabel("Text in any message of this session").FillAsync("second");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#search-results")).ToContainTextAsync("the second question");
        await Expect(page.Locator("#thread-list")).ToContainTextAsync("current");
        await browser.ScreenshotAsync(page, "history");
    }

    [Fact]
    public async Task Settings_validate_inline_and_the_auth_page_shows_models_and_usage()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/notes/settings"));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Working directory (optional)" }).FillAsync("/no/such/folder");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#working_directory-error")).ToContainTextAsync("does not exist");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Working directory (optional)" })).ToHaveAttributeAsync("aria-invalid", "true");
        await browser.ScreenshotAsync(page, "session-settings");

        await page.GotoAsync(_host.Url("/auths/anthropic/notes"));
        await Expect(page.Locator("#auth-models")).ToContainTextAsync("claude-sonnet-4-5");
        await Expect(page.Locator(".details")).ToContainTextAsync("(redacted)");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("key-notes");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Usage by model" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "auth-detail");
    }
}
