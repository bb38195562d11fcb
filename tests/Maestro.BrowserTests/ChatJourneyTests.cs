using System.Text.RegularExpressions;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>
/// The main journeys, as a user does them in Chromium against the emulator: add an auth, create a session, watch an
/// answer stream, approve a tool call, reload mid-stream, recover from an error mid-stream, and follow several
/// sessions and tabs at once. Each page visited is kept as a screenshot in artifacts/screenshots.
/// </summary>
public sealed class ChatJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private const string CodeAnswer = """
        ## Result

        Here is the code:

        ```csharp
        Console.WriteLine("hi");
        ```

        Done.
        """;

    private UiHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await UiHost.StartAsync(postgres, "browser-chat");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Add_an_auth_create_a_session_and_see_the_answer_stream()
    {
        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/"));
        await page.GetByLabel("Provider").SelectOptionAsync("anthropic");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("work");
        await page.GetByLabel("API key").FillAsync("key-journey");
        await page.GetByText("Advanced").ClickAsync();
        await page.GetByLabel("Base URL (optional)").FillAsync(_host.Emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Add auth" }).ClickAsync();
        await Expect(page.Locator("#auth-table")).ToContainTextAsync("anthropic/work");
        // Each auth row has its own (empty until tested) status region for its Test result: pick the form's notice.
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Added anthropic/work" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "dashboard");

        await page.Locator("#main").GetByRole(AriaRole.Link, new() { Name = "New session" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("demo");
        await Expect(page.GetByLabel("Auth", new() { Exact = true })).ToHaveValueAsync("anthropic/work");
        await Expect(page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("claude-sonnet-4-5");
        await browser.ScreenshotAsync(page, "new-session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, new Regex("/sessions/demo$"));

        // The answer waits at a gate after its heading, so the streaming state is seen for sure: ten tokens at any
        // pace can all pass between two of the assertion's polls on a loaded machine (the CI failure this replaced).
        _host.Emulator.Control.Enqueue("key-journey",
            new ScriptedResponse { Text = CodeAnswer, TokensPerSecond = 15, Hold = "journey", HoldAfterTokens = 2 });
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Show me some code");
        await box.PressAsync("Enter");

        await Expect(page.Locator(".msg.user").Last).ToContainTextAsync("Show me some code");
        await Expect(box).ToHaveValueAsync("");
        await Expect(page.Locator(".msg.assistant.status-streaming")).ToHaveCountAsync(1);
        await Expect(page.Locator("#stop-button")).ToBeVisibleAsync();
        await Expect(page.Locator(".msg.assistant.status-streaming h2")).ToHaveTextAsync("Result");
        _host.Emulator.Control.Release("journey");

        var answer = page.Locator(".msg.assistant").Last;
        await Expect(answer).ToHaveClassAsync(new Regex("status-complete"));
        await Expect(answer.Locator("h2")).ToHaveTextAsync("Result");
        await Expect(answer.Locator(".code-block code")).ToContainTextAsync("Console.WriteLine(\"hi\");");
        await Expect(answer.Locator(".code-block .copy")).ToBeVisibleAsync();
        await Expect(answer.Locator(".msg-meta")).ToContainTextAsync("claude-sonnet-4-5");
        await Expect(answer.Locator(".msg-meta")).ToContainTextAsync("out");
        await Expect(page.Locator("#send-button")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "chat");
    }

    [Fact]
    public async Task A_tool_call_waits_for_approval_and_runs_when_approved()
    {
        await _host.AddAuthAsync("tools", "key-tools");
        await _host.AddSessionAsync("agent", "anthropic/tools", _host.Workspace);
        _host.Emulator.Control.Enqueue("key-tools",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path": "note.txt", "content": "hello from the model"}""")),
            ScriptedResponse.FromText("I wrote **note.txt** for you."));

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/agent"));
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Write a note");
        await box.PressAsync("Enter");

        var card = page.Locator(".tool-card").First;
        await Expect(card).ToContainTextAsync("write_file");
        await Expect(card.Locator(".badge")).ToHaveTextAsync("waiting for approval");
        await Expect(card.Locator(".tool-args")).ToContainTextAsync("note.txt");
        await browser.ScreenshotAsync(page, "chat-approval");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve once" }).ClickAsync();

        await Expect(card.Locator(".badge")).ToHaveTextAsync("done");
        await Expect(card).ToContainTextAsync("Approved once.");
        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("I wrote note.txt for you.");
        File.ReadAllText(Path.Combine(_host.Workspace, "note.txt")).ShouldBe("hello from the model");
        await browser.ScreenshotAsync(page, "chat-tool-done");
    }

    [Fact]
    public async Task Denying_a_tool_call_with_a_reason_tells_the_model()
    {
        await _host.AddAuthAsync("deny", "key-deny");
        await _host.AddSessionAsync("careful", "anthropic/deny", _host.Workspace);
        _host.Emulator.Control.Enqueue("key-deny",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("shell", """{"command": "rm -rf build"}""")),
            ScriptedResponse.FromText("Understood, I will not delete it."));

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/careful"));
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Clean up");
        await box.PressAsync("Enter");

        var card = page.Locator(".tool-card").First;
        await card.GetByLabel("Reason for denying (optional)").FillAsync("keep the build folder");
        await card.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await Expect(card).ToContainTextAsync("Denied: keep the build folder");
        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("Understood, I will not delete it.");
        var chats = _host.Emulator.Control.Requests("key-deny").Where(r => r.Method == "POST").ToList();
        chats.Count.ShouldBe(2);
        chats[1].BodyText.ShouldContain("keep the build folder");
    }

    [Fact]
    public async Task Shift_enter_adds_a_line_and_escape_stops_a_running_answer()
    {
        await _host.AddAuthAsync("stop", "key-stop");
        await _host.AddSessionAsync("stoppable", "anthropic/stop");
        var words = string.Join(' ', Enumerable.Range(1, 400).Select(i => $"s{i}"));
        _host.Emulator.Control.Enqueue("key-stop", new ScriptedResponse { Text = words, TokensPerSecond = 10 });

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/stoppable"));
        var box = page.GetByLabel("Message", new() { Exact = true });
        // On a busy machine htmx settles a swap late, and binds the swapped-in Stop button only then: a long settle
        // delay holds that window open, so Escape is shown to work while the button is not bound yet.
        await page.EvaluateAsync("() => { htmx.config.defaultSettleDelay = 60000; }");
        await box.PressSequentiallyAsync("first line");
        await box.PressAsync("Shift+Enter");
        await box.PressSequentiallyAsync("second line");
        await box.PressAsync("Enter");
        await Expect(page.Locator(".msg.user .user-text")).ToHaveTextAsync("first line\nsecond line");

        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("s3 ");
        await Expect(page.Locator("#stop-button")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator(".msg-stopped")).ToContainTextAsync("Stopped.");
        await Expect(page.Locator(".msg-stopped").GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeVisibleAsync();
        await Expect(page.Locator("#send-button")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_message_sent_while_the_page_is_still_loading_is_sent_not_lost()
    {
        await _host.AddAuthAsync("early", "key-early");
        await _host.AddSessionAsync("early", "anthropic/early");
        _host.Emulator.Control.Enqueue("key-early", ScriptedResponse.FromText("First answer."), ScriptedResponse.FromText("Second answer."));
        var page = await browser.NewPageAsync(_host);
        var box = page.GetByLabel("Message", new() { Exact = true });

        // Sent with Enter, then with the button, each while the page is still loading.
        var loading = await OpenStillLoadingAsync(page, "/sessions/early");
        await box.FillAsync("Sent with Enter");
        await box.PressAsync("Enter");
        await Expect(box).ToHaveValueAsync("");
        loading.SetResult();
        await Expect(page.Locator(".msg.user").Last).ToContainTextAsync("Sent with Enter");
        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("First answer.");
        page.Url.ShouldNotContain("prompt=");

        loading = await OpenStillLoadingAsync(page, "/sessions/early");
        await box.FillAsync("Sent with the button");
        await page.Locator("#send-button").ClickAsync();
        await Expect(box).ToHaveValueAsync("");
        loading.SetResult();
        await Expect(page.Locator(".msg.user").Last).ToContainTextAsync("Sent with the button");
        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("Second answer.");
        page.Url.ShouldNotContain("prompt=");
    }

    /// <summary>
    /// Opens <paramref name="path"/> with the last deferred script held until the returned source completes: the page
    /// is parsed and app.js has run, but the document has not loaded, so htmx has not bound anything yet (it does at
    /// DOMContentLoaded). A quick user on a slow connection or a busy machine sends in this window; before the fix the
    /// composer went out as a plain GET, the prompt landed in the address bar and no turn started.
    /// </summary>
    private async Task<TaskCompletionSource> OpenStillLoadingAsync(IPage page, string path)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.UnrouteAllAsync();
        // app.js as served, plus a mark that it has run: the wait below then knows its keys and submits are handled.
        await page.RouteAsync("**/assets/app.js", async route =>
        {
            var response = await route.FetchAsync();
            await route.FulfillAsync(new() { Response = response, Body = await response.TextAsync() + "\nwindow.__appRan = true;\n" });
        });
        await page.RouteAsync("**/assets/model-picker.js", async route =>
        {
            await held.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync(_host.Url(path), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("() => window.__appRan === true && document.readyState === 'interactive'");
        return held;
    }

    [Fact]
    public async Task Reloading_mid_stream_continues_without_losing_or_repeating_text()
    {
        await _host.AddAuthAsync("slow", "key-slow");
        await _host.AddSessionAsync("long", "anthropic/slow");
        var words = string.Join(' ', Enumerable.Range(1, 120).Select(i => $"w{i}"));
        // The answer waits at a gate until the page has reloaded, so a slow reload on a loaded machine still lands
        // mid-stream, with 100 words left to watch.
        _host.Emulator.Control.Enqueue("key-slow",
            new ScriptedResponse { Text = words, TokensPerSecond = 20, Hold = "reload", HoldAfterTokens = 20 });

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/long"));
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Count");
        await box.PressAsync("Enter");
        var answer = page.Locator(".msg.assistant").Last;
        await Expect(answer).ToContainTextAsync("w15 ");

        await page.ReloadAsync();
        await Expect(answer).ToContainTextAsync("w20 ");
        _host.Emulator.Control.Release("reload");
        // Every state the page shows while the rest streams in (its live stream also reconnects every second) is a
        // prefix of the answer: a lost or repeated word would break that.
        var samples = 0;
        while (!Regex.IsMatch(await answer.GetAttributeAsync("class") ?? "", "status-complete"))
        {
            var shown = Words(await answer.Locator(".md").InnerTextAsync());
            words.StartsWith(shown, StringComparison.Ordinal).ShouldBeTrue($"shown text is not a prefix of the answer: '{shown}'");
            samples++;
            await page.WaitForTimeoutAsync(100);
        }

        samples.ShouldBeGreaterThan(0);
        Words(await answer.Locator(".md").InnerTextAsync()).ShouldBe(words);
        await browser.ScreenshotAsync(page, "chat-after-reload");
    }

    [Fact]
    public async Task An_error_mid_stream_shows_in_the_conversation_with_retry()
    {
        await _host.AddAuthAsync("flaky", "key-flaky");
        await _host.AddSessionAsync("flaky", "anthropic/flaky");
        _host.Emulator.Control.Enqueue("key-flaky", new ScriptedResponse
        {
            Text = "This answer breaks off in the middle of a sentence that never ends",
            Fault = EmulatorFault.Parse("disconnect:8"),
        });

        var page = await browser.NewPageAsync(_host);
        await page.GotoAsync(_host.Url("/sessions/flaky"));
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Tell me something");
        await box.PressAsync("Enter");

        var error = page.Locator(".msg-error");
        await Expect(error).ToContainTextAsync("The answer failed.");
        await browser.ScreenshotAsync(page, "chat-error");

        _host.Emulator.Control.Enqueue("key-flaky", ScriptedResponse.FromText("Recovered answer."));
        await error.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(page.Locator(".msg.assistant").Last).ToContainTextAsync("Recovered answer.");
        await Expect(page.Locator(".msg-error")).ToHaveCountAsync(0);
        await Expect(page.Locator(".msg.user")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Several_sessions_stream_at_once_and_a_second_tab_follows_along()
    {
        await _host.AddAuthAsync("multi", "key-multi");
        await _host.AddSessionAsync("one", "anthropic/multi");
        await _host.AddSessionAsync("two", "anthropic/multi");
        var words = string.Join(' ', Enumerable.Range(1, 80).Select(i => $"v{i}"));
        // Both answers wait after ten tokens until the checks below are done, however busy the machine is.
        _host.Emulator.Control.Enqueue("key-multi",
            new ScriptedResponse { Text = words, TokensPerSecond = 40, Hold = "multi", HoldAfterTokens = 10 },
            new ScriptedResponse { Text = words, TokensPerSecond = 40, Hold = "multi", HoldAfterTokens = 10 });

        var dashboard = await browser.NewPageAsync(_host);
        await dashboard.GotoAsync(_host.Url("/"));
        var first = await browser.NewPageAsync(_host);
        await first.GotoAsync(_host.Url("/sessions/one"));
        var second = await browser.NewPageAsync(_host);
        await second.GotoAsync(_host.Url("/sessions/one"));
        var other = await browser.NewPageAsync(_host);
        await other.GotoAsync(_host.Url("/sessions/two"));

        foreach (var page in new[] { first, other })
        {
            var box = page.GetByLabel("Message", new() { Exact = true });
            await box.FillAsync("Go");
            await box.PressAsync("Enter");
        }

        var rowOne = dashboard.Locator("tr", new() { Has = dashboard.GetByRole(AriaRole.Link, new() { Name = "one", Exact = true }) });
        var rowTwo = dashboard.Locator("tr", new() { Has = dashboard.GetByRole(AriaRole.Link, new() { Name = "two", Exact = true }) });
        await Expect(rowOne.Locator(".badge")).ToHaveTextAsync("streaming");
        await Expect(rowTwo.Locator(".badge")).ToHaveTextAsync("streaming");
        await Expect(second.Locator(".msg.assistant.status-streaming")).ToHaveCountAsync(1);
        await Expect(second.Locator(".msg.assistant.status-streaming")).ToContainTextAsync("v10");
        await browser.ScreenshotAsync(dashboard, "dashboard-live");
        _host.Emulator.Control.Release("multi");

        foreach (var page in new[] { first, second, other })
        {
            var answer = page.Locator(".msg.assistant").Last;
            await Expect(answer).ToHaveClassAsync(new Regex("status-complete"));
            Words(await answer.Locator(".md").InnerTextAsync()).ShouldBe(words);
        }

        await Expect(second.Locator(".msg.user")).ToContainTextAsync("Go");
        await Expect(rowOne.Locator(".badge")).ToHaveTextAsync("idle");
        await Expect(rowTwo.Locator(".badge")).ToHaveTextAsync("idle");
    }

    private static string Words(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
