using System.Net;
using System.Net.ServerSentEvents;
using Maestro.Emulator;
using Maestro.Tests.Gateway;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;

namespace Maestro.Tests.Ui;

/// <summary>The Gateway page and its fragments over HTTP (the browser journey is in Maestro.BrowserTests): the same services and messages as the API.</summary>
public sealed class GatewayPageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    private HttpClient Ui => _bed.Server.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwpage");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task The_page_shows_base_urls_keys_routes_and_auths()
    {
        await _bed.AddRouteAsync("fast", "anthropic/work/claude-haiku-4-5", "openai/work/gpt-5-mini");

        var html = await Ui.GetStringAsync("/gateway", Ct);

        html.ShouldContain("<a href=\"/gateway\">Gateway</a>");
        html.ShouldContain(new Uri(_bed.Server.BaseUrl, "v1").ToString());
        html.ShouldContain("id=\"key-test\"");
        html.ShouldContain("anthropic/work/claude-haiku-4-5");
        html.ShouldContain("openai/work/gpt-5-mini");
        html.ShouldContain("sse-connect=\"/ui/live/gateway\"");
        html.ShouldContain("gateway-auth-gemini-gca");
        html.ShouldNotContain(_bed.Key);
    }

    [Fact]
    public async Task Creating_a_key_shows_it_once_and_bad_numbers_are_named()
    {
        using var bad = await Ui.PostHtmxFormAsync("/ui/gateway/keys", [("name", "from-page"), ("budget_usd", "lots"), ("rpm", "1.5")], Ct);
        var errors = await bad.Content.ReadAsStringAsync(Ct);
        errors.ShouldContain("id=\"budget_usd-error\"");
        errors.ShouldContain("is not an amount");
        errors.ShouldContain("id=\"rpm-error\"");
        errors.ShouldContain("value=\"from-page\"");
        (await Ui.GetStringAsync("/api/gateway/keys", Ct)).ShouldNotContain("from-page");

        using var created = await Ui.PostHtmxFormAsync("/ui/gateway/keys", [("name", "from-page"), ("budget_usd", "$7.50"), ("rpm", "1,000")], Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        created.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var html = await created.Content.ReadAsStringAsync(Ct);
        var secret = System.Text.RegularExpressions.Regex.Match(html, "sk-maestro-[0-9A-Za-z]{43}").Value;
        secret.ShouldNotBeEmpty(html);
        html.ShouldContain("it is not shown again");
        html.ShouldContain($"OPENAI_API_KEY={secret}");
        html.ShouldContain("id=\"gateway-keys\" class=\"table-wrap\" hx-swap-oob=\"true\"");
        html.ShouldContain("US$7.5/month");
        html.ShouldContain("1,000 requests/min");

        (await Ui.GetStringAsync("/gateway", Ct)).ShouldNotContain(secret);
        (await _bed.OpenAI(secret).GetOpenAIModelClient().GetModelsAsync(Ct)).Value.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Routes_are_added_edited_and_kept_while_a_key_is_limited_to_them()
    {
        using var bad = await Ui.PostHtmxFormAsync("/ui/gateway/routes", [("name", "fast"), ("targets", "anthropic/nobody/m\n")], Ct);
        (await bad.Content.ReadAsStringAsync(Ct)).ShouldContain("id=\"targets-error\"");

        using var added = await Ui.PostHtmxFormAsync("/ui/gateway/routes", [("name", "fast"), ("targets", " anthropic/work/claude-haiku-4-5 \r\n\r\nopenai/work/gpt-5-mini")], Ct);
        var html = await added.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("Added fast.");
        html.ShouldContain("id=\"key-route-choices\"");
        (await Ui.GetStringAsync("/api/gateway/routes/fast", Ct)).ShouldContain("\"target\":\"openai/work/gpt-5-mini\"");

        using var edit = await Ui.GetHtmxAsync("/ui/gateway/routes/fast/edit", Ct);
        WebUtility.HtmlDecode(await edit.Content.ReadAsStringAsync(Ct)).ShouldContain("anthropic/work/claude-haiku-4-5\nopenai/work/gpt-5-mini</textarea>");
        using var saved = await Ui.PostHtmxFormAsync("/ui/gateway/routes/fast", [("name", "fast"), ("targets", "openai/work/gpt-5-mini")], Ct);
        (await saved.Content.ReadAsStringAsync(Ct)).ShouldContain("Saved fast.");

        await _bed.CreateKeyAsync("limited", routes: ["fast"]);
        using var delete = HtmxRequests.Create(HttpMethod.Delete, "/ui/gateway/routes/fast");
        using var refused = await Ui.SendAsync(delete, Ct);
        var table = await refused.Content.ReadAsStringAsync(Ct);
        table.ShouldContain("in use by key(s) limited");
        table.ShouldContain("openai/work/gpt-5-mini");
    }

    [Fact]
    public async Task The_live_stream_brings_a_keys_usage_as_it_is_written()
    {
        using var stream = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stream.Token, Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/live/gateway");
        using var response = await Ui.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
        await using var events = SseParser.Create(body).EnumerateAsync(linked.Token).GetAsyncEnumerator(linked.Token);

        (await events.MoveNextAsync()).ShouldBeTrue();
        events.Current.Data.ShouldContain("id=\"gateway-keys\"");
        events.Current.Data.ShouldContain("id=\"gateway-routes\"");
        events.Current.Data.ShouldContain("<td class=\"num\" data-label=\"requests\">0</td>");

        _bed.Script("anthropic/work", ScriptedResponse.FromText("Seen live."));
        await _bed.OpenAI().GetChatClient("anthropic/work/claude-haiku-4-5").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct);

        while (await events.MoveNextAsync())
        {
            if (events.Current.EventType == "html" && events.Current.Data.Contains("data-label=\"requests\">1</td>", StringComparison.Ordinal))
            {
                // Usage alone changes only the key table.
                events.Current.Data.ShouldNotContain("id=\"gateway-routes\"");
                return;
            }
        }

        throw new ShouldAssertException("The stream ended before the key's use arrived.");
    }
}
