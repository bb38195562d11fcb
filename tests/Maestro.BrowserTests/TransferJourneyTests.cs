using System.Text.RegularExpressions;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>Conversations out and in, in Chromium: "Export JSON" on a session downloads it; the dashboard imports it.</summary>
public sealed class TransferJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-transfer");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Export_a_session_as_json_and_import_it_from_the_dashboard()
    {
        await _host.AddAuthAsync("transfer", "key-transfer");
        await _host.AddSessionAsync("source", "anthropic/transfer");
        _host.Emulator.Control.Enqueue("key-transfer", ScriptedResponse.FromText("The **capital** of France is Paris."));
        await _host.ChatAsync("source", "What is the capital of France?");

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/source"));
        await Expect(page.Locator(".msg.assistant")).ToContainTextAsync("The capital of France is Paris.");
        var markdown = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Markdown" }).ClickAsync());
        markdown.SuggestedFilename.ShouldBe("source.md");
        (await File.ReadAllTextAsync((await markdown.PathAsync())!)).ShouldContain("What is the capital of France?");
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "JSON" }).ClickAsync());
        json.SuggestedFilename.ShouldBe("source.maestro.json");
        var file = Path.Combine(_host.Workspace, json.SuggestedFilename);
        await json.SaveAsAsync(file);

        await page.GotoAsync(_host.Url("/"));
        await page.GetByText("Import a conversation").First.ClickAsync();
        var form = page.Locator("#import-form");
        // A file that is not an export imports nothing and says why.
        var wrong = Path.Combine(_host.Workspace, "wrong.json");
        await File.WriteAllTextAsync(wrong, """{"format": "maestro.session", "version": 9}""");
        await form.GetByLabel("Export file (JSON)").SetInputFilesAsync(wrong);
        await form.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Expect(page.Locator("#import-form .field-error")).ToContainTextAsync("Export version 9 is not supported");
        await browser.ScreenshotAsync(page, "import-error");

        form = page.Locator("#import-form");
        await form.GetByLabel("Export file (JSON)").SetInputFilesAsync(file);
        await form.GetByLabel("Name (optional)").FillAsync("imported");
        await form.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/sessions/imported$"));
        await Expect(page.Locator(".msg.user")).ToContainTextAsync("What is the capital of France?");
        await Expect(page.Locator(".msg.assistant strong")).ToHaveTextAsync("capital");
        await Expect(page.Locator(".msg.assistant .msg-meta")).ToContainTextAsync("claude-sonnet-4-5");
        await browser.ScreenshotAsync(page, "imported-session");
    }
}
