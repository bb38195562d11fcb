using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Core.Auths;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.OAuth;

namespace Maestro.Tests.Ui;

/// <summary>
/// The web UI's OAuth logins over HTTP, against the emulated authorization servers: the sign-in form and its inline
/// errors, a login page followed live to its end, pasting, cancelling, and "refresh now" on the auth page.
/// </summary>
public sealed partial class OAuthUiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private WebServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthui");
        _server = await WebServer.StartAsync(_bed.Environment);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task The_sign_in_form_offers_each_providers_methods_modes_and_options()
    {
        (await Http.GetStringAsync("/", Ct)).ShouldContain("href=\"/sign-in\"");

        var page = await Http.GetStringAsync("/sign-in", Ct);
        OptionValues(page).ShouldBe(["anthropic", "gemini", "openai"]);
        page.ShouldContain("name=\"create_api_key\"");
        page.ShouldContain("<input type=\"hidden\" name=\"method\" value=\"paste\" />");

        var openai = await GetFragmentAsync("/ui/oauth/options?provider=openai&method=device");
        RadioValues(openai, "method").ShouldBe(["callback", "paste", "device"]);
        openai.ShouldContain("value=\"device\" checked");
        openai.ShouldNotContain("name=\"mode\"");
        openai.ShouldNotContain("create_api_key");

        var gemini = await GetFragmentAsync("/ui/oauth/options?provider=gemini&mode=code_assist");
        RadioValues(gemini, "mode").ShouldBe(["api", "code_assist"]);
        gemini.ShouldContain("value=\"code_assist\" checked");

        var prefilled = await Http.GetStringAsync("/sign-in?provider=openai&name=work&method=device", Ct);
        prefilled.ShouldContain("<option value=\"openai\" selected");
        prefilled.ShouldContain("value=\"work\"");
        prefilled.ShouldContain("value=\"device\" checked");

        var unknown = await Http.GetAsync("/sign-in?provider=nope&name=work", Ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await unknown.Content.ReadAsStringAsync(Ct)).ShouldContain("<option value=\"anthropic\" selected");
    }

    [Fact]
    public async Task A_refused_start_shows_the_api_messages_beside_the_fields()
    {
        (await Http.PostAsJsonAsync("/api/auths", new { provider = "anthropic", name = "keyed", api_key = "sk-ant-api03-0123456789" }, Ct)).EnsureSuccessStatusCode();

        foreach (var (fields, field) in new[]
        {
            (new Dictionary<string, string> { ["provider"] = "anthropic", ["name"] = "x" }, "name"),
            (new Dictionary<string, string> { ["provider"] = "openai", ["name"] = "valid", ["method"] = "carrier-pigeon" }, "method"),
            (new Dictionary<string, string> { ["provider"] = "anthropic", ["name"] = "valid", ["method"] = "device" }, "method"),
            (new Dictionary<string, string> { ["provider"] = "gemini", ["name"] = "valid", ["mode"] = "turbo" }, "mode"),
            (new Dictionary<string, string> { ["provider"] = "anthropic", ["name"] = "keyed" }, "name"),
        })
        {
            var api = await Http.PostAsJsonAsync("/api/oauth/flows", fields, Ct);
            var expected = (await ReadJsonAsync(api)).GetProperty("errors").GetProperty(field)[0].GetString()!;

            var response = await PostFormAsync("/ui/oauth/flows", [.. fields.Select(f => (f.Key, f.Value))]);
            var html = await response.Content.ReadAsStringAsync(Ct);

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.Contains("HX-Redirect").ShouldBeFalse();
            WebUtility.HtmlDecode(html).ShouldContain(expected, customMessage: html);
            html.ShouldContain($"id=\"{field}-error\"");
            html.ShouldContain("id=\"oauth-form\"");
        }

        var name = await PostFormAsync("/ui/oauth/flows", ("provider", "anthropic"), ("name", "x"));
        (await name.Content.ReadAsStringAsync(Ct)).ShouldContain("aria-invalid=\"true\"");
    }

    [Fact]
    public async Task A_paste_login_is_followed_live_and_ends_on_a_link_to_the_new_auth()
    {
        var id = await StartAsync(("provider", "anthropic"), ("name", "claude"), ("method", "paste"), ("create_api_key", "true"));
        var page = await Http.GetStringAsync($"/sign-in/{id}", Ct);
        page.ShouldContain("Sign in: anthropic/claude");
        page.ShouldContain("data-status=\"pending\"");
        page.ShouldContain($"sse-connect=\"/ui/live/oauth/{id}?status=pending\"");
        page.ShouldContain("sse-close=\"done\"");
        page.ShouldContain("id=\"oauth-paste-form\"");
        var link = SignInLink().Match(page);
        link.Success.ShouldBeTrue(page);
        link.Groups["rel"].Value.ShouldBe("noopener noreferrer");

        await using var live = await LiveAsync($"/ui/live/oauth/{id}?status=pending");

        var malformed = await PostFormAsync($"/ui/oauth/flows/{id}/complete", ("code", "nope nope"));
        var refused = await malformed.Content.ReadAsStringAsync(Ct);
        refused.ShouldContain("The pasted text contains spaces or line breaks");
        refused.ShouldContain("aria-invalid=\"true\"");
        refused.ShouldContain("data-status=\"pending\"");

        var code = await _bed.AnthropicCodeAsync(new Uri(WebUtility.HtmlDecode(link.Groups["href"].Value)));
        var done = await (await PostFormAsync($"/ui/oauth/flows/{id}/complete", ("code", code))).Content.ReadAsStringAsync(Ct);
        done.ShouldContain("data-status=\"completed\"");
        done.ShouldContain("href=\"/auths/anthropic/claude\"");
        done.ShouldContain("hx-swap-oob=\"innerHTML\"");
        done.ShouldContain("Signed in");
        done.ShouldNotContain("sk-ant-");

        var updates = await live.UntilDoneAsync();
        updates.ShouldContain(u => u.Contains("data-status=\"completed\"", StringComparison.Ordinal));
        updates.Last().ShouldContain("href=\"/auths/anthropic/claude\"");

        // The ended login's page is static, and the auth shows up everywhere with its token state.
        var ended = await Http.GetStringAsync($"/sign-in/{id}", Ct);
        ended.ShouldNotContain("sse-connect");
        ended.ShouldContain("Open anthropic/claude");
        (await Http.GetStringAsync("/", Ct)).ShouldContain("Active · expires in");
        var detail = await Http.GetStringAsync("/auths/anthropic/claude", Ct);
        detail.ShouldContain("Refresh now");
        detail.ShouldContain("active (expires in");
        detail.ShouldContain("(redacted)");
        detail.ShouldNotContain("sk-ant-");
    }

    [Fact]
    public async Task A_callback_login_completes_when_the_browser_comes_back_and_the_page_updates_itself()
    {
        var id = await StartAsync(("provider", "openai"), ("name", "work"), ("method", "callback"));
        var page = await Http.GetStringAsync($"/sign-in/{id}", Ct);
        page.ShouldContain($"Waiting for the browser to come back to <code>{_bed.OpenAIRedirect.AbsoluteUri}</code>");
        await using var live = await LiveAsync($"/ui/live/oauth/{id}?status=pending");

        var (status, html, _) = await _bed.OpenAsync(new Uri(WebUtility.HtmlDecode(SignInLink().Match(page).Groups["href"].Value)));
        status.ShouldBe(HttpStatusCode.OK, html);

        var updates = await live.UntilDoneAsync();
        updates.Last().ShouldContain("data-status=\"completed\"");
        updates.Last().ShouldContain("href=\"/auths/openai/work\"");
        var detail = await Http.GetStringAsync("/auths/openai/work", Ct);
        detail.ShouldContain("<dt>Plan</dt>");
        detail.ShouldContain("<dt>Email</dt>");
        detail.ShouldContain("<dt>Account id</dt>");
    }

    [Fact]
    public async Task A_gemini_code_assist_login_completes_by_callback_and_the_auth_page_shows_its_mode()
    {
        var id = await StartAsync(("provider", "gemini"), ("name", "google"), ("method", "callback"), ("mode", "code_assist"));
        var page = await Http.GetStringAsync($"/sign-in/{id}", Ct);
        page.ShouldContain("Sign in: gemini/google");
        page.ShouldContain($"Waiting for the browser to come back to <code>{_bed.GeminiRedirect.AbsoluteUri}</code>");
        await using var live = await LiveAsync($"/ui/live/oauth/{id}?status=pending");

        var (status, html, _) = await _bed.OpenAsync(new Uri(WebUtility.HtmlDecode(SignInLink().Match(page).Groups["href"].Value)));
        status.ShouldBe(HttpStatusCode.OK, html);

        var updates = await live.UntilDoneAsync();
        updates.Last().ShouldContain("data-status=\"completed\"");
        updates.Last().ShouldContain("href=\"/auths/gemini/google\"");
        var detail = await Http.GetStringAsync("/auths/gemini/google", Ct);
        detail.ShouldContain("<dt>Mode</dt>");
        detail.ShouldContain("code_assist");
        detail.ShouldContain("Refresh now");
    }

    [Fact]
    public async Task Denied_consent_and_cancelling_end_the_login_with_what_to_do_next()
    {
        var id = await StartAsync(("provider", "openai"), ("name", "denied"), ("method", "callback"));
        var url = WebUtility.HtmlDecode(SignInLink().Match(await Http.GetStringAsync($"/sign-in/{id}", Ct)).Groups["href"].Value);
        await using (var live = await LiveAsync($"/ui/live/oauth/{id}?status=pending"))
        {
            await _bed.OpenAsync(new Uri(url + "&emulator_consent=deny"));
            var failed = (await live.UntilDoneAsync()).Last();
            failed.ShouldContain("data-status=\"failed\"");
            failed.ShouldContain("The sign-in was not approved");
            failed.ShouldContain("Start again");
        }

        var device = await StartAsync(("provider", "openai"), ("name", "headless"), ("method", "device"));
        var devicePage = await Http.GetStringAsync($"/sign-in/{device}", Ct);
        devicePage.ShouldContain("id=\"oauth-user-code\"");
        devicePage.ShouldContain("/codex/device");
        devicePage.ShouldNotContain("oauth-paste-form");

        var cancelled = await (await PostFormAsync($"/ui/oauth/flows/{device}/cancel")).Content.ReadAsStringAsync(Ct);
        cancelled.ShouldContain("data-status=\"cancelled\"");
        cancelled.ShouldContain("The login was cancelled.");
        cancelled.ShouldContain("href=\"/sign-in?provider=openai&amp;name=headless&amp;method=device");

        var late = await (await PostFormAsync($"/ui/oauth/flows/{device}/complete", ("code", "a#b"))).Content.ReadAsStringAsync(Ct);
        late.ShouldContain("data-status=\"cancelled\"");
        (await Http.GetStringAsync($"/sign-in/{Guid.NewGuid()}", Ct)).ShouldContain("There is no login");
    }

    [Fact]
    public async Task Refresh_now_shows_the_outcome_and_a_refused_login_is_renewed_by_signing_in_again()
    {
        await _bed.LoginAnthropicAsync(_server.App.Services, "renewed");
        await using var dashboard = await LiveAsync("/ui/live/dashboard");

        var refreshed = await (await PostFormAsync("/ui/auths/anthropic/renewed/refresh")).Content.ReadAsStringAsync(Ct);
        refreshed.ShouldContain("Refreshed the access token.");
        refreshed.ShouldContain("id=\"auth-status\" hx-swap-oob=\"true\"");
        refreshed.ShouldContain("last refreshed");
        (await dashboard.UntilAsync(u => u.Contains("id=\"auth-table\"", StringComparison.Ordinal))).ShouldContain("anthropic</strong>/renewed");

        var stored = await OAuthTestBed.StoredAsync(_server.App.Services, new AuthRef("anthropic", "renewed"));
        _bed.OAuth.RevokeLogin(stored.Credentials.RefreshToken!).ShouldBeTrue();
        var refused = await (await PostFormAsync("/ui/auths/anthropic/renewed/refresh")).Content.ReadAsStringAsync(Ct);
        refused.ShouldContain("needs a new login");
        refused.ShouldContain("Needs re-login");
        refused.ShouldContain("href=\"/sign-in?provider=anthropic&amp;name=renewed\"");
        (await dashboard.UntilAsync(u => u.Contains("Needs re-login", StringComparison.Ordinal))).ShouldContain("Sign in again");
        (await Http.GetStringAsync("/", Ct)).ShouldContain("aria-label=\"Sign in again to anthropic/renewed\"");

        // The sign-in page that renews it shows the auth's badge, and follows it live (here: the login finished elsewhere).
        var signIn = await Http.GetStringAsync("/sign-in?provider=anthropic&name=renewed", Ct);
        signIn.ShouldContain("This renews anthropic/renewed");
        signIn.ShouldContain("Needs re-login");
        signIn.ShouldContain("sse-connect=\"/ui/live/auths/anthropic/renewed?badge=true\"");
        await using var badge = await LiveAsync("/ui/live/auths/anthropic/renewed?badge=true");
        var id = await StartAsync(("provider", "anthropic"), ("name", "renewed"));
        var page = await Http.GetStringAsync($"/sign-in/{id}", Ct);
        var code = await _bed.AnthropicCodeAsync(new Uri(WebUtility.HtmlDecode(SignInLink().Match(page).Groups["href"].Value)));
        (await (await PostFormAsync($"/ui/oauth/flows/{id}/complete", ("code", code))).Content.ReadAsStringAsync(Ct)).ShouldContain("data-status=\"completed\"");
        var active = await badge.UntilAsync(u => u.Contains("Active · expires in", StringComparison.Ordinal));
        active.ShouldContain("<span id=\"auth-status\" hx-swap-oob=\"true\">");
        active.ShouldNotContain("auth-token-state");

        var renewed = await OAuthTestBed.StoredAsync(_server.App.Services, new AuthRef("anthropic", "renewed"));
        renewed.Record.Id.ShouldBe(stored.Record.Id);
        renewed.Record.Status.ShouldBe(AuthStatus.Active);
        renewed.Credentials.RefreshToken.ShouldNotBe(stored.Credentials.RefreshToken);

        (await Http.PostAsJsonAsync("/api/auths", new { provider = "openai", name = "keyed", api_key = "sk-0123456789abcdef" }, Ct)).EnsureSuccessStatusCode();
        (await (await PostFormAsync("/ui/auths/openai/keyed/refresh")).Content.ReadAsStringAsync(Ct)).ShouldContain("only OAuth logins have tokens to refresh");
    }

    [Fact]
    public async Task A_device_login_shows_its_code_and_when_nobody_approves_it_the_page_turns_expired_by_itself()
    {
        _bed.OAuth.DevicePollIntervalSeconds = 1;
        _bed.OAuth.DeviceCodeLifetime = TimeSpan.FromSeconds(2);
        try
        {
            var id = await StartAsync(("provider", "openai"), ("name", "unattended"), ("method", "device"));
            var page = await Http.GetStringAsync($"/sign-in/{id}", Ct);
            var code = Regex.Match(page, """<code id="oauth-user-code">([^<]+)</code>""");
            code.Success.ShouldBeTrue(page);
            await using var live = await LiveAsync($"/ui/live/oauth/{id}?status=pending");

            var updates = await live.UntilDoneAsync();

            var last = updates.Last();
            last.ShouldContain("data-status=\"expired\"");
            last.ShouldContain($"The device code {code.Groups[1].Value} expired before it was approved");
            last.ShouldContain("Start again");
            (await Http.GetStringAsync($"/sign-in/{id}", Ct)).ShouldNotContain("sse-connect");
            (await Http.GetStringAsync("/auths/openai/unattended", Ct)).ShouldContain("There is no auth named");
        }
        finally
        {
            _bed.OAuth.DeviceCodeLifetime = TimeSpan.FromMinutes(15);
        }
    }

    [Fact]
    public async Task The_auth_page_follows_its_auth_live_when_it_is_refreshed_elsewhere_or_refused()
    {
        await _bed.LoginAnthropicAsync(_server.App.Services, "watched");
        var page = await Http.GetStringAsync("/auths/anthropic/watched", Ct);
        page.ShouldContain("sse-connect=\"/ui/live/auths/anthropic/watched\"");
        await using var live = await LiveAsync("/ui/live/auths/anthropic/watched");

        // Refreshed from elsewhere (the API, as the CLI or the background refresher would): the page's token line follows.
        (await Http.PostAsync("/api/auths/anthropic/watched/refresh", null, Ct)).EnsureSuccessStatusCode();
        // The refresh shows "Refreshing…" first (with the previous refresh's time); wait for the update after it.
        var refreshed = await live.UntilAsync(u => u.Contains("last refreshed", StringComparison.Ordinal) && u.Contains("Active · expires in", StringComparison.Ordinal));
        refreshed.ShouldContain("id=\"auth-status\" hx-swap-oob=\"true\"");
        refreshed.ShouldContain("id=\"auth-token-state\" hx-swap-oob=\"true\"");
        refreshed.ShouldContain("Active · expires in");

        var stored = await OAuthTestBed.StoredAsync(_server.App.Services, new AuthRef("anthropic", "watched"));
        _bed.OAuth.RevokeLogin(stored.Credentials.RefreshToken!).ShouldBeTrue();
        (await Http.PostAsync("/api/auths/anthropic/watched/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await live.UntilAsync(u => u.Contains("Needs re-login", StringComparison.Ordinal))).ShouldContain("needs re-login");

        // An API-key auth's page follows its badge too (a refused key, an unreachable address), but has no token line.
        (await Http.PostAsJsonAsync("/api/auths", new { provider = "openai", name = "plainkey", api_key = "sk-0123456789abcdef" }, Ct)).EnsureSuccessStatusCode();
        (await Http.GetStringAsync("/auths/openai/plainkey", Ct)).ShouldContain("sse-connect=\"/ui/live/auths/openai/plainkey\"");
        await using var plain = await LiveHtml.OpenAsync(Http, "/ui/live/auths/openai/plainkey");
        plain.First.ShouldContain("id=\"auth-status\"");
        plain.First.ShouldNotContain("auth-token-state");
    }

    private async Task<Guid> StartAsync(params (string Key, string Value)[] fields)
    {
        var response = await PostFormAsync("/ui/oauth/flows", fields);
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync(Ct));
        var location = response.Headers.GetValues("HX-Redirect").Single();
        location.ShouldStartWith("/sign-in/");
        return Guid.Parse(location["/sign-in/".Length..]);
    }

    private async Task<string> GetFragmentAsync(string path)
    {
        using var response = await Http.GetHtmxAsync(path, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private Task<HttpResponseMessage> PostFormAsync(string path, params (string Key, string Value)[] fields) =>
        Http.PostHtmxFormAsync(path, fields, Ct);

    private async Task<LiveFeed> LiveAsync(string path)
    {
        var response = await Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var feed = SseParser.Create(await response.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);
        // The first item is sent on connect: after it, the stream is subscribed and nothing that follows is missed.
        (await feed.MoveNextAsync()).ShouldBeTrue();
        return new LiveFeed(response, feed);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private static List<string> OptionValues(string html)
    {
        var select = html[html.IndexOf("id=\"oauth-provider\"", StringComparison.Ordinal)..];
        return [.. OptionPattern().Matches(select[..select.IndexOf("</select>", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value)];
    }

    private static List<string> RadioValues(string html, string name) =>
        [.. Regex.Matches(html, $"type=\"radio\" name=\"{name}\" value=\"([a-z_]+)\"").Select(m => m.Groups[1].Value)];

    [GeneratedRegex("""<a id="oauth-sign-in-link"[^>]*href="(?<href>[^"]+)"[^>]*target="_blank" rel="(?<rel>[^"]+)""")]
    private static partial Regex SignInLink();

    [GeneratedRegex("""<option value="([a-z]+)""")]
    private static partial Regex OptionPattern();

    /// <summary>A UI live stream being read: its "html" updates.</summary>
    private sealed class LiveFeed(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> feed) : IAsyncDisposable
    {
        /// <summary>Every update until the stream says the login is over.</summary>
        public async Task<List<string>> UntilDoneAsync()
        {
            var updates = new List<string>();
            while (await feed.MoveNextAsync())
            {
                if (feed.Current.EventType == "done")
                {
                    return updates;
                }

                if (feed.Current.EventType == "html" && feed.Current.Data.Length > 0)
                {
                    updates.Add(feed.Current.Data);
                }
            }

            throw new InvalidOperationException("The live stream ended before the login did.");
        }

        public async Task<string> UntilAsync(Func<string, bool> match)
        {
            while (await feed.MoveNextAsync())
            {
                if (feed.Current.EventType == "html" && match(feed.Current.Data))
                {
                    return feed.Current.Data;
                }
            }

            throw new InvalidOperationException("The live stream ended without the update.");
        }

        public async ValueTask DisposeAsync()
        {
            await feed.DisposeAsync();
            response.Dispose();
        }
    }
}
