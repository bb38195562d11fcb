using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Maestro.Core.OAuth;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.OAuth;

/// <summary>Logins through the REST API of a running web host: start, complete with a pasted code, callback and device, refresh.</summary>
public sealed class RestLoginTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private WebServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthrest");
        _server = await WebServer.StartAsync(_bed.Environment);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Anthropic_start_then_complete_with_the_pasted_code()
    {
        var started = await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "anthropic", name = "claude", create_api_key = true }, Ct);
        started.StatusCode.ShouldBe(HttpStatusCode.Created);
        var flow = await ReadAsync(started);
        flow.GetProperty("method").GetString().ShouldBe("paste");
        flow.GetProperty("status").GetString().ShouldBe("pending");
        var id = flow.GetProperty("id").GetString();
        started.Headers.Location!.ToString().ShouldBe($"/api/oauth/flows/{id}");
        var code = await _bed.AnthropicCodeAsync(new Uri(flow.GetProperty("authorization_url").GetString()!));

        var malformed = await Http.PostAsJsonAsync($"/api/oauth/flows/{id}/complete", new { code = "nope nope" }, Ct);
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync(malformed)).GetProperty("errors").GetProperty("code")[0].GetString()!.ShouldContain("spaces or line breaks");

        var completed = await Http.PostAsJsonAsync($"/api/oauth/flows/{id}/complete", new { code }, Ct);
        completed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var done = await ReadAsync(completed);
        done.GetProperty("status").GetString().ShouldBe("completed");
        done.GetProperty("auth").GetProperty("ref").GetString().ShouldBe("anthropic/claude");
        done.GetProperty("auth").GetProperty("state").GetString()!.ShouldStartWith("active (expires in");
        (await completed.Content.ReadAsStringAsync(Ct)).ShouldNotContain("sk-ant-");

        var twice = await Http.PostAsJsonAsync($"/api/oauth/flows/{id}/complete", new { code }, Ct);
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var status = JsonDocument.Parse(await Http.GetStringAsync($"/api/oauth/flows/{id}", Ct)).RootElement;
        status.GetProperty("status").GetString().ShouldBe("completed");
        using var detail = JsonDocument.Parse(await Http.GetStringAsync("/api/auths/anthropic/claude", Ct));
        detail.RootElement.GetProperty("secrets").GetProperty("api_key").GetString()!.ShouldContain("…");
    }

    [Fact]
    public async Task OpenAI_callback_login_started_by_the_server_runs_the_loopback_server_and_is_followed_live()
    {
        var flow = await ReadAsync(await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "openai", name = "work" }, Ct));
        flow.GetProperty("method").GetString().ShouldBe("callback");
        flow.GetProperty("redirect_uri").GetString().ShouldBe(_bed.OpenAIRedirect.AbsoluteUri);
        var id = Guid.Parse(flow.GetProperty("id").GetString()!);

        var (status, html, _) = await _bed.OpenAsync(new Uri(flow.GetProperty("authorization_url").GetString()!));
        status.ShouldBe(HttpStatusCode.OK, html);

        // after=0: the events the server kept since it started, then the live ones (a UI reconnecting does the same).
        using var events = await Http.GetAsync("/api/oauth/events?after=0", HttpCompletionOption.ResponseHeadersRead, Ct);
        events.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var feed = SseParser.Create(await events.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);
        var seen = new List<string>();
        while (!seen.Contains("completed") && await feed.MoveNextAsync())
        {
            if (feed.Current.EventType == OAuthEvents.FlowChanged)
            {
                var notice = OAuthFlowNotice.Parse(JsonDocument.Parse(feed.Current.Data).RootElement.GetProperty("notice").GetString())!;
                notice.FlowId.ShouldBe(id);
                seen.Add(notice.Status);
            }
        }

        seen.ShouldBe(["pending", "exchanging", "completed"]);
        var done = JsonDocument.Parse(await Http.GetStringAsync($"/api/oauth/flows/{id}", Ct)).RootElement;
        done.GetProperty("status").GetString().ShouldBe("completed");
        done.GetProperty("auth").GetProperty("metadata").GetProperty("mode").GetString().ShouldBe("chatgpt");
    }

    [Fact]
    public async Task Gemini_login_through_the_api_by_pasting_the_address_the_browser_ended_on()
    {
        var flow = await ReadAsync(await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "gemini", name = "google", method = "paste", mode = "code_assist" }, Ct));
        flow.GetProperty("method").GetString().ShouldBe("paste");
        var id = flow.GetProperty("id").GetString();

        // Without Maestro's loopback server the browser ends on an address that does not load: the user copies it.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await noRedirects.GetAsync(new Uri(flow.GetProperty("authorization_url").GetString()!), Ct);
        consent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var ended = consent.Headers.Location!;
        ended.AbsoluteUri.ShouldStartWith(_bed.GeminiRedirect.AbsoluteUri);

        var done = await ReadAsync(await Http.PostAsJsonAsync($"/api/oauth/flows/{id}/complete", new { code = ended.AbsoluteUri }, Ct));
        done.GetProperty("status").GetString().ShouldBe("completed", done.ToString());
        var auth = done.GetProperty("auth");
        auth.GetProperty("ref").GetString().ShouldBe("gemini/google");
        auth.GetProperty("type").GetString().ShouldBe("oauth");
        auth.GetProperty("metadata").GetProperty("mode").GetString().ShouldBe("code_assist");
        auth.GetProperty("metadata").GetProperty("email").GetString().ShouldBe(_bed.OAuth.User.Email);
    }

    [Fact]
    public async Task Device_login_through_the_api()
    {
        _bed.OAuth.DevicePollIntervalSeconds = 1;
        var flow = await ReadAsync(await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "openai", name = "headless", method = "device" }, Ct));
        var userCode = flow.GetProperty("user_code").GetString()!;
        flow.GetProperty("verification_url").GetString()!.ShouldEndWith("/oauth/openai/codex/device");
        flow.GetProperty("poll_interval_seconds").GetDouble().ShouldBe(1);

        _bed.OAuth.ApproveDevice(userCode).ShouldBeTrue();

        var id = flow.GetProperty("id").GetString();
        var status = "pending";
        for (var i = 0; i < 300 && status is "pending" or "exchanging"; i++)
        {
            await Task.Delay(100, Ct);
            status = JsonDocument.Parse(await Http.GetStringAsync($"/api/oauth/flows/{id}", Ct)).RootElement.GetProperty("status").GetString()!;
        }

        status.ShouldBe("completed");
        var pasted = await Http.PostAsJsonAsync($"/api/oauth/flows/{id}/complete", new { code = "a#b" }, Ct);
        pasted.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_starts_are_field_errors_and_a_login_can_be_cancelled()
    {
        var unknown = await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "anthropic", name = "x", method = "carrier-pigeon" }, Ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync(unknown)).GetProperty("errors").GetProperty("method")[0].GetString().ShouldBe("'carrier-pigeon' is not a login method: use callback, paste or device.");

        var noOAuth = await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "nope", name = "valid" }, Ct);
        noOAuth.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var flow = await ReadAsync(await Http.PostAsJsonAsync("/api/oauth/flows", new { provider = "anthropic", name = "cancelled" }, Ct));
        var id = flow.GetProperty("id").GetString();
        var cancelled = await Http.DeleteAsync($"/api/oauth/flows/{id}", Ct);
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(cancelled)).GetProperty("status").GetString().ShouldBe("cancelled");
        (await Http.PostAsJsonAsync($"/api/oauth/flows/{id}/complete", new { code = "a#b" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Http.GetAsync($"/api/oauth/flows/{Guid.NewGuid()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var providers = JsonDocument.Parse(await Http.GetStringAsync("/api/oauth/providers", Ct)).RootElement;
        providers.EnumerateArray().Select(p => p.GetProperty("provider").GetString()).ShouldBe(["anthropic", "gemini", "openai"]);
        providers[2].GetProperty("methods").EnumerateArray().Select(m => m.GetString()).ShouldBe(["callback", "paste", "device"]);
        providers[1].GetProperty("modes").EnumerateArray().Select(m => m.GetString()).ShouldBe(["api", "code_assist"]);
    }

    [Fact]
    public async Task Refresh_now_through_the_api()
    {
        await _bed.LoginAnthropicAsync(_server.App.Services, "refreshed");
        _bed.OAuth.ClearTokenRequests();

        var refreshed = await Http.PostAsync("/api/auths/anthropic/refreshed/refresh", null, Ct);

        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ReadAsync(refreshed);
        body.GetProperty("result").GetString().ShouldBe("refreshed");
        body.GetProperty("auth").GetProperty("refreshed_at").ValueKind.ShouldBe(JsonValueKind.String);
        _bed.OAuth.TokenRequests().Single().GrantType.ShouldBe("refresh_token");

        await Http.PostAsJsonAsync("/api/auths", new { provider = "anthropic", name = "keyed", api_key = "sk-ant-api03-0123456789" }, Ct);
        (await Http.PostAsync("/api/auths/anthropic/keyed/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Http.PostAsync("/api/auths/anthropic/missing/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}
