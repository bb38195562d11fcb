using System.Text.RegularExpressions;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>Attachments in Chromium: files picked with 📎 and dropped on the composer go with the message.</summary>
public sealed class AttachmentJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-attach");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Pick_and_drop_files_and_send_them_with_the_message()
    {
        await _host.AddAuthAsync("eyes", "key-eyes");
        await _host.AddSessionAsync("viewer", "anthropic/eyes");
        _host.Emulator.Control.Enqueue("key-eyes", ScriptedResponse.FromText("One pixel and two notes."));
        var png = Path.Combine(_host.Workspace, "pixel.png");
        await File.WriteAllBytesAsync(png, Png);
        var notes = Path.Combine(_host.Workspace, "notes.txt");
        await File.WriteAllTextAsync(notes, "picked note");

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/viewer"));
        await page.Locator("#attach").SetInputFilesAsync([png, notes]);
        await Expect(page.Locator("#attach-list li")).ToHaveCountAsync(2);
        // A file dropped on the composer joins them.
        var drop = await page.EvaluateHandleAsync("""
            () => { const dt = new DataTransfer(); dt.items.add(new File(["dropped note"], "dropped.txt", { type: "text/plain" })); return dt; }
            """);
        await page.Locator("#prompt").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = drop });
        await Expect(page.Locator("#attach-list li")).ToHaveCountAsync(3);
        await Expect(page.Locator("#attach-list")).ToContainTextAsync("dropped.txt");
        await browser.ScreenshotAsync(page, "chat-attachments-picked");

        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("What are these?");
        await box.PressAsync("Enter");
        var sent = page.Locator(".msg.user").Last;
        await Expect(sent.Locator(".attachments li")).ToHaveCountAsync(3);
        await Expect(sent.Locator(".attachments")).ToContainTextAsync("pixel.png (PNG");
        await Expect(page.Locator("#attach-list li")).ToHaveCountAsync(0);
        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("One pixel and two notes.");
        // Enter sends nothing while a turn runs (the Stop button is shown): wait for the turn's end before the next one.
        await Expect(page.Locator(".msg.assistant").Last).ToHaveClassAsync(new Regex("status-complete"));
        await Expect(page.Locator("#stop-button")).ToHaveCountAsync(0);
        var body = _host.Emulator.Control.Requests("key-eyes").Last(r => r.Method == "POST").BodyText;
        body.ShouldContain("\"type\":\"image\"");
        body.ShouldContain("picked note");
        body.ShouldContain("dropped note");
        await browser.ScreenshotAsync(page, "chat-attachments-sent");

        // A file that cannot go is refused in the composer, and nothing is sent.
        var binary = Path.Combine(_host.Workspace, "tool.bin");
        await File.WriteAllBytesAsync(binary, [0x00, 0x01, 0x02]);
        await page.Locator("#attach").SetInputFilesAsync(binary);
        await box.FillAsync("And this?");
        await box.PressAsync("Enter");
        await Expect(page.Locator("#composer-error")).ToContainTextAsync("'tool.bin' is neither an image");
        await Expect(page.Locator(".msg.user")).ToHaveCountAsync(1);
    }
}
