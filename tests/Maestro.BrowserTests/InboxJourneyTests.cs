using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>
/// One inbox for every agent, as a user works it in Chromium: two sessions wait, the nav badge and the tab title say
/// so (and a browser notification, once opted in), both are decided from the Approvals page with the keyboard, and
/// the chat pages keep each decision. A chat page opened while an approval waits shows its buttons above the composer.
/// </summary>
public sealed class InboxJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-inbox");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Two_sessions_wait_and_are_decided_from_the_inbox_with_the_keyboard()
    {
        await _host.AddAuthAsync("one", "key-one");
        await _host.AddAuthAsync("two", "key-two");
        await _host.AddSessionAsync("builder", "anthropic/one", _host.Workspace);
        await _host.AddSessionAsync("cleaner", "anthropic/two", _host.Workspace);
        _host.Emulator.Control.Enqueue("key-one",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("shell", """{"command": "echo built > built.txt"}""")),
            ScriptedResponse.FromText("Built."));
        _host.Emulator.Control.Enqueue("key-two",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path": "notes.txt", "content": "first\nsecond"}""")),
            ScriptedResponse.FromText("I left the notes alone."));

        // A dashboard tab of a user who opted in to notifications (the Notification API recorded, not shown).
        var dashboard = await browser.NewPageAsync(_host);
        await dashboard.Context.AddInitScriptAsync("""
            window.__notifications = [];
            window.Notification = class { constructor(title, options) { window.__notifications.push(title + ": " + options.body); }
              addEventListener() {} static get permission() { return "granted"; } static requestPermission() { return Promise.resolve("granted"); } };
            """);
        var inbox = await dashboard.Context.NewPageAsync();
        var visited = new System.Collections.Concurrent.ConcurrentQueue<string>();
        inbox.FrameNavigated += (_, frame) =>
        {
            if (frame.ParentFrame is null)
            {
                visited.Enqueue(frame.Url);
            }
        };
        var consoleLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        inbox.Console += (_, message) => consoleLines.Enqueue($"{message.Type}: {message.Text}");
        await inbox.GotoAsync(_host.Url("/approvals"));
        await Expect(inbox.Locator(".inbox-empty")).ToBeVisibleAsync();
        await inbox.GetByRole(AriaRole.Button, new() { Name = "Notify me when one waits" }).ClickAsync();
        await Expect(inbox.GetByRole(AriaRole.Button, new() { Name = "Notify me when one waits" })).ToBeHiddenAsync();
        await dashboard.GotoAsync(_host.Url("/"));
        await Expect(dashboard.Locator("#inbox-count")).ToBeHiddenAsync();

        await StartTurnAsync("builder");
        await Expect(inbox.Locator(".inbox-item")).ToHaveCountAsync(1);
        await StartTurnAsync("cleaner");
        await Expect(inbox.Locator(".inbox-item")).ToHaveCountAsync(2);
        await Expect(inbox.Locator("#inbox-count")).ToHaveTextAsync("2");
        await Expect(inbox).ToHaveTitleAsync(new Regex(@"^\(2\) Maestro"));
        await Expect(dashboard.Locator("#inbox-count")).ToHaveTextAsync("2");
        await Expect(dashboard).ToHaveTitleAsync(new Regex(@"^\(2\) "));
        (await dashboard.EvaluateAsync<string[]>("window.__notifications")).ShouldContain("Maestro: approval needed: 2 tool calls wait for your approval.");

        var first = inbox.Locator(".inbox-item").First;
        await Expect(first).ToContainTextAsync("builder");
        await Expect(first.Locator(".tool-command")).ToHaveTextAsync("$ echo built > built.txt");
        var second = inbox.Locator(".inbox-item").Nth(1);
        await Expect(second).ToContainTextAsync("cleaner");
        await Expect(second.Locator(".tool-diff .diff-add")).ToHaveCountAsync(2);
        await browser.ScreenshotAsync(inbox, "approvals-inbox");

        // The builder's chat is open meanwhile: its card shows the buttons, and follows the decision made in the inbox.
        var chat = await dashboard.Context.NewPageAsync();
        await chat.GotoAsync(_host.Url("/sessions/builder"));
        var card = chat.Locator(".tool-card").First;
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve once" })).ToBeVisibleAsync();
        await Expect(card.Locator(".tool-command")).ToHaveTextAsync("$ echo built > built.txt");

        // a approves the selected (first) one; the list follows; d goes to the next one's reason, Enter denies.
        await inbox.BringToFrontAsync();
        await inbox.Locator("h1").ClickAsync();
        await inbox.Keyboard.PressAsync("a");
        await Expect(inbox.Locator(".inbox-item")).ToHaveCountAsync(1);
        await Expect(inbox.Locator(".inbox-item")).ToContainTextAsync("cleaner");
        await inbox.Keyboard.PressAsync("d");
        await Expect(inbox.GetByLabel("Reason for denying (optional)")).ToBeFocusedAsync();
        await inbox.Keyboard.TypeAsync("keep my notes");
        await inbox.Keyboard.PressAsync("Enter");
        await Expect(inbox.Locator(".inbox-item")).ToHaveCountAsync(0);
        visited.ShouldHaveSingleItem($"the inbox never leaves its page (it went to {string.Join(", ", visited)}; console: {string.Join(" | ", consoleLines)})");
        await Expect(inbox.Locator(".inbox-empty")).ToBeVisibleAsync();
        await Expect(inbox).ToHaveTitleAsync(new Regex(@"^Maestro"));
        await Expect(dashboard.Locator("#inbox-count")).ToBeHiddenAsync();

        // Each chat keeps its decision, through a reload too: the command ran, the write was denied with the reason.
        await Expect(card.Locator(".tool-head .badge")).ToHaveTextAsync("done");
        await Expect(card).ToContainTextAsync("Approved once.");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve once" })).ToHaveCountAsync(0);
        await chat.GotoAsync(_host.Url("/sessions/cleaner"));
        await Expect(chat.Locator(".msg.assistant").Last).ToContainTextAsync("I left the notes alone.");
        await chat.ReloadAsync();
        card = chat.Locator(".tool-card").First;
        await Expect(card.Locator(".tool-head .badge")).ToHaveTextAsync("denied");
        await Expect(card).ToContainTextAsync("Denied: keep my notes");
        await Expect(card.Locator(".tool-diff")).ToContainTextAsync("notes.txt");
        await browser.ScreenshotAsync(chat, "chat-denied");
        File.ReadAllText(Path.Combine(_host.Workspace, "built.txt")).Trim().ShouldBe("built");
        File.Exists(Path.Combine(_host.Workspace, "notes.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_chat_opened_while_an_approval_waits_shows_its_buttons_above_the_composer()
    {
        await _host.AddAuthAsync("late", "key-late");
        await _host.AddSessionAsync("editor", "anthropic/late", _host.Workspace);
        File.WriteAllText(Path.Combine(_host.Workspace, "config.txt"), "alpha\nbeta\ngamma\n");
        // A long answer first, so the waiting card sits at the bottom of a page taller than the window.
        _host.Emulator.Control.Enqueue("key-late", ScriptedResponse.FromText(string.Join("\n\n", Enumerable.Range(1, 40).Select(i => $"Paragraph {i}."))));
        await _host.ChatAsync("editor", "Write a lot");
        _host.Emulator.Control.Enqueue("key-late",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("edit_file", """{"path": "config.txt", "old_string": "beta", "new_string": "BETA"}""")),
            ScriptedResponse.FromText("Edited."));
        await StartTurnAsync("editor");
        await Eventually.UntilAsync(async () =>
            (await _host.Server.Client.GetFromJsonAsync<JsonElement>("/api/approvals")).GetArrayLength() == 1, "the edit to wait for approval");

        var page = await browser.NewPageAsync(_host);
        await page.SetViewportSizeAsync(1280, 640);
        await page.GotoAsync(_host.Url("/sessions/editor"));
        var card = page.Locator(".tool-card").Last;
        await Expect(card.Locator(".tool-head .badge")).ToHaveTextAsync("waiting for approval");
        await Expect(card.Locator(".tool-diff .diff-del")).ToHaveTextAsync("- beta");
        await Expect(card.Locator(".tool-diff .diff-add")).ToHaveTextAsync("+ BETA");
        var approve = card.GetByRole(AriaRole.Button, new() { Name = "Approve for this session" });
        await Expect(approve).ToBeVisibleAsync();
        await Expect(page.Locator("#inbox-count")).ToHaveTextAsync("1");
        // Above the sticky composer, not under it.
        var button = (await approve.BoundingBoxAsync())!;
        var composer = (await page.Locator("#composer").BoundingBoxAsync())!;
        (button.Y + button.Height).ShouldBeLessThanOrEqualTo(composer.Y);
        button.Y.ShouldBeGreaterThanOrEqualTo(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, "chat-approval-on-open.png") });

        await approve.ClickAsync();
        await Expect(card.Locator(".tool-head .badge")).ToHaveTextAsync("done");
        await Expect(card).ToContainTextAsync("Approved for this session");
        await Expect(page.Locator("#inbox-count")).ToBeHiddenAsync();
        (await File.ReadAllTextAsync(Path.Combine(_host.Workspace, "config.txt"))).ShouldBe("alpha\nBETA\ngamma\n");
    }

    private async Task StartTurnAsync(string session)
    {
        using var started = await _host.Server.Client.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Go" });
        started.EnsureSuccessStatusCode();
    }
}
