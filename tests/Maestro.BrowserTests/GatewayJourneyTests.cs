using System.ClientModel;
using Maestro.Emulator;
using OpenAI;
using OpenAI.Chat;

namespace Maestro.BrowserTests;

/// <summary>
/// The Gateway page: a route and a key made on the page, the key copied and used by the OpenAI SDK through
/// /v1/chat/completions against the emulator, its usage and cost arriving live, then revoked (the SDK gets 401), and
/// the route edited and deleted.
/// </summary>
public sealed class GatewayJourneyTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private readonly string _prices = Path.Combine(Path.GetTempPath(), $"maestro-prices-{Guid.NewGuid():N}.json");
    private UiHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(_prices, """{"models":{"claude-haiku-4-5":{"input":1,"output":5}}}""");
        _host = await UiHost.StartAsync(postgres, "browser-gateway", settings: s => s["MAESTRO_PRICES"] = _prices);
        await _host.AddAuthAsync("gateway", "key-gw");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        File.Delete(_prices);
    }

    [Fact]
    public async Task A_key_made_on_the_page_serves_the_openai_sdk_shows_its_usage_live_and_is_revoked()
    {
        var page = await browser.NewPageAsync(_host);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = _host.Url("/").TrimEnd('/') });
        await page.GotoAsync(_host.Url("/gateway"));
        await Expect(page.Locator(".topbar nav a[aria-current=page]")).ToHaveTextAsync("Gateway");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Base URLs" })).ToContainTextAsync(_host.Url("/v1"));
        await Expect(page.Locator("#gateway-auths")).ToContainTextAsync("anthropic/gateway");

        // A target that does not exist is refused beside the field; nothing is added.
        await page.Locator("#route-name").FillAsync("fast");
        await page.Locator("#route-targets").FillAsync("anthropic/nobody/claude-haiku-4-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add route" }).ClickAsync();
        await Expect(page.Locator("#targets-error")).ToContainTextAsync("nobody");
        await Expect(page.Locator("#route-targets")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.Locator("#route-targets").FillAsync("anthropic/gateway/claude-haiku-4-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add route" }).ClickAsync();
        await Expect(page.Locator("#gateway-route-form")).ToContainTextAsync("Added fast.");
        var routeRow = page.Locator("#gateway-routes tr", new() { HasText = "fast" });
        await Expect(routeRow).ToContainTextAsync("anthropic/gateway/claude-haiku-4-5");
        await Expect(routeRow.Locator(".badge.ok")).ToHaveTextAsync("Active");
        await Expect(page.Locator("#gateway-auths")).ToContainTextAsync("fast");

        // A key limited to the route, with a budget; shown once, copied with its button.
        await page.Locator("#key-name").FillAsync("journey");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "fast" }).CheckAsync();
        await page.Locator("#key-budget").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secretLine = page.Locator("#new-key-secret");
        await Expect(secretLine).ToContainTextAsync("sk-maestro-");
        var secret = (await secretLine.TextContentAsync())!.Trim();
        var keyRow = page.Locator("#key-journey");
        await Expect(keyRow).ToContainTextAsync("fast");
        await Expect(keyRow).ToContainTextAsync("US$5/month");
        await Expect(page.Locator(".new-key")).ToContainTextAsync($"OPENAI_API_KEY={secret}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the key" }).ClickAsync();
        // The clipboard has no event to wait on: look until the key is there.
        await Eventually.UntilAsync(async () => await page.EvaluateAsync<string>("navigator.clipboard.readText()") == secret, "the key on the clipboard");
        await browser.ScreenshotAsync(page, "gateway-key-created");

        // The SDK with that key, on the route: 1,000 input and 200 output tokens of claude-haiku-4-5 cost US$0.002.
        _host.Emulator.Control.Enqueue("key-gw", new ScriptedResponse { Text = "Hello through the gateway.", Usage = new ScriptedUsage { InputTokens = 1000, OutputTokens = 200 } });
        var client = new ChatClient("fast", new ApiKeyCredential(secret), new OpenAIClientOptions { Endpoint = new Uri(_host.Url("/v1")) });
        var answer = await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);
        answer.Value.Content[0].Text.ShouldBe("Hello through the gateway.");

        // The usage arrives on the open page by itself (the live stream), then in detail on asking.
        await Expect(keyRow.Locator("td[data-label=requests]")).ToHaveTextAsync("1");
        await Expect(keyRow.Locator("td[data-label=spent]")).ToContainTextAsync("US$0.002");
        await page.GetByRole(AriaRole.Button, new() { Name = "Usage of journey" }).ClickAsync();
        var usage = page.GetByRole(AriaRole.Table, new() { Name = "Usage of journey by model" });
        await Expect(usage).ToContainTextAsync("anthropic/claude-haiku-4-5");
        await Expect(usage).ToContainTextAsync("1,000");
        await Expect(usage).ToContainTextAsync("US$0.002");
        await browser.ScreenshotAsync(page, "gateway-usage");

        // Revoked after confirming: the SDK gets 401.
        var confirmations = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            confirmations.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke journey" }).ClickAsync();
        await Expect(keyRow.Locator(".badge.bad")).ToHaveTextAsync("Revoked");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke journey" })).ToHaveCountAsync(0);
        confirmations.ShouldContain(m => m.Contains("Revoke the key journey?", StringComparison.Ordinal));
        var refused = await Should.ThrowAsync<ClientResultException>(() =>
            client.CompleteChatAsync([new UserChatMessage("Again")], cancellationToken: TestContext.Current.CancellationToken));
        refused.Status.ShouldBe(401);
        await browser.ScreenshotAsync(page, "gateway-revoked");

        // The route: edited (a second target, in order), then deleted (its only key is revoked).
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit fast" }).ClickAsync();
        await Expect(page.Locator("#route-targets")).ToHaveValueAsync("anthropic/gateway/claude-haiku-4-5");
        await page.Locator("#route-targets").FillAsync("anthropic/gateway/claude-sonnet-4-5\nanthropic/gateway/claude-haiku-4-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save route" }).ClickAsync();
        await Expect(page.Locator("#gateway-route-form")).ToContainTextAsync("Saved fast.");
        await Expect(routeRow.Locator("ol.targets li").First).ToContainTextAsync("anthropic/gateway/claude-sonnet-4-5");
        await Expect(routeRow.Locator("ol.targets li")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete fast" }).ClickAsync();
        await Expect(page.Locator("#gateway-routes")).ToContainTextAsync("No routes yet");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "fast" })).ToHaveCountAsync(0);
    }
}
