using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Anthropic.Models.Messages;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Quota;
using Maestro.Emulator;
using Maestro.Tests.Gateway;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI.Chat;

namespace Maestro.Tests.Quota;

/// <summary>
/// Quota tracking end to end: each provider's headers (and 429 bodies) as the emulator sends them, read into the auth's
/// quota state by every kind of request; shown by the API, the auth page and the CLI (as a process); persisted and read
/// back; and used by the gateway's pools.
/// </summary>
public sealed class QuotaTrackingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Subscription = "anthropic/claude";
    private GatewayTestBed _bed = null!;
    private string _subscriptionToken = null!;

    public async ValueTask InitializeAsync()
    {
        // Written to the database only when a test asks (SyncAsync), so what the CLI reads is deterministic.
        _bed = await GatewayTestBed.StartAsync(postgres, "quota", settings => settings["MAESTRO_QUOTA_SYNC_MS"] = "600000");
        _subscriptionToken = "sk-ant-oat01-" + Guid.NewGuid().ToString("N");
        await _bed.Services.GetRequiredService<IAuthStore>().CreateAsync(
            new NewAuth("anthropic", "claude", AuthType.OAuth,
                new AuthCredentials { AccessToken = _subscriptionToken, RefreshToken = "rt-" + _subscriptionToken, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1), IssuedAt = DateTimeOffset.UtcNow },
                new Dictionary<string, string> { [AuthMetadata.BaseUrl] = _bed.Emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString() },
                DateTimeOffset.UtcNow.AddHours(1)),
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string, string[], double[]> Windows() => new()
    {
        { "anthropic/work", "claude-haiku-4-5", ["input-tokens", "output-tokens", "requests", "tokens"], [90, 90, 90, 90] },
        { Subscription, "claude-haiku-4-5", ["5h", "7d"], [90, 45] },
        { "openai/work", "gpt-5-mini", ["requests", "tokens"], [90, 90] },
        { "openai/chatgpt", "gpt-5.2-codex", ["5h", "7d"], [90, 45] },
        { "local/work", "gpt-4o-mini", ["requests", "tokens"], [90, 90] },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public async Task Each_providers_headers_are_read_into_the_auths_quota_and_the_api_shows_them(string auth, string model, string[] names, double[] used)
    {
        _bed.Emulator.Control.SetQuota(Credential(auth), new EmulatedQuota { UsedPercent = 90, ResetsInSeconds = 1200 });

        await ChatAsync(auth, model);

        var windows = (await StateAsync(auth)).Windows.OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
        windows.Select(w => w.Name).ShouldBe(names);
        windows.Select(w => Math.Round(w.UsedPercent!.Value)).ShouldBe(used);
        windows[0].ResetsAt!.Value.ShouldBeInRange(DateTimeOffset.UtcNow.AddSeconds(1100), DateTimeOffset.UtcNow.AddSeconds(1210));

        using var json = JsonDocument.Parse(await _bed.Server.Client.GetStringAsync($"/api/auths/{auth}/quota", TestContext.Current.CancellationToken));
        json.RootElement.GetProperty("auth").GetString().ShouldBe(auth);
        json.RootElement.GetProperty("status").GetString().ShouldBe("ok");
        var api = json.RootElement.GetProperty("windows").EnumerateArray().ToList();
        api.Select(w => w.GetProperty("name").GetString()).ShouldBe(names);
        api.Select(w => Math.Round(w.GetProperty("used_percent").GetDouble())).ShouldBe(used);
    }

    public static TheoryData<string, string, string> Exhaustions() => new()
    {
        { "anthropic/work", "claude-haiku-4-5", "requests" },
        { Subscription, "claude-haiku-4-5", "5h" },
        { "openai/chatgpt", "gpt-5.2-codex", "5h" },
        { "gemini/work", "gemini-2.5-flash", "GenerateRequestsPerDayPerProjectPerModel-FreeTier" },
        { "gemini/gca", "gemini-2.5-flash", "GenerateRequestsPerDayPerProjectPerModel-FreeTier" },
    };

    [Theory]
    [MemberData(nameof(Exhaustions))]
    public async Task A_429_for_a_used_up_quota_marks_the_auth_exhausted_until_its_reset(string auth, string model, string window)
    {
        _bed.Emulator.Control.SetQuota(Credential(auth), new EmulatedQuota { Exhausted = true, ResetsInSeconds = 1800 });
        var before = DateTimeOffset.UtcNow;

        var error = await Should.ThrowAsync<ProviderException>(() => ChatAsync(auth, model));

        ((int?)error.StatusCode).ShouldBe(429);
        var now = DateTimeOffset.UtcNow;
        var state = await StateAsync(auth);
        state.ExhaustedUntil(now)!.Value.ShouldBeInRange(before.AddSeconds(1790), now.AddSeconds(1801));
        state.LastLimitedAt.ShouldNotBeNull();
        state.Windows.ShouldContain(w => w.Name == window && w.IsExhausted(now));

        using var json = JsonDocument.Parse(await _bed.Server.Client.GetStringAsync($"/api/auths/{auth}/quota", TestContext.Current.CancellationToken));
        json.RootElement.GetProperty("status").GetString().ShouldBe("exhausted");
        json.RootElement.GetProperty("exhausted_until").GetDateTimeOffset().ShouldBe(state.ExhaustedUntil(now)!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_openai_key_out_of_credit_is_exhausted_without_a_known_reset()
    {
        _bed.Emulator.Control.SetQuota(Credential("openai/work"), new EmulatedQuota { Exhausted = true });

        var error = await Should.ThrowAsync<ProviderException>(() => ChatAsync("openai/work", "gpt-5-mini"));

        error.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        var state = await StateAsync("openai/work");
        state.LastKind.ShouldBe(AuthLimitKind.QuotaExhausted);
        state.ExhaustedUntil(DateTimeOffset.UtcNow).ShouldNotBeNull();
        state.LastDetail!.ShouldContain("credit balance");
    }

    [Fact]
    public async Task A_request_passed_through_the_gateway_feeds_the_quota_too()
    {
        _bed.Emulator.Control.SetQuota(Credential("anthropic/work"), new EmulatedQuota { UsedPercent = 42 });
        _bed.Script("anthropic/work", ScriptedResponse.FromText("Passed through."));
        using var anthropic = _bed.Anthropic();

        var answer = await anthropic.Messages.Create(
            new MessageCreateParams { Model = "anthropic/work/claude-haiku-4-5", MaxTokens = 64, Messages = [new UserMessageParam("Hi")] },
            TestContext.Current.CancellationToken);

        answer.Content[0].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("Passed through.");
        (await StateAsync("anthropic/work")).Windows.Single(w => w.Name == "requests").UsedPercent!.Value.ShouldBe(42, 0.1);
    }

    [Fact]
    public async Task A_pool_skips_an_exhausted_auth_until_its_reset_and_refuses_locally_when_all_are_used_up()
    {
        await _bed.AddRouteAsync("pool", "openai/chatgpt/gpt-5.2-codex", "anthropic/work/claude-haiku-4-5");
        _bed.Emulator.Control.SetQuota(Credential("openai/chatgpt"), new EmulatedQuota { Exhausted = true, ResetsInSeconds = 3600 });
        _bed.Script("anthropic/work", ScriptedResponse.FromText("First."), ScriptedResponse.FromText("Second."));
        var client = _bed.OpenAI().GetChatClient("pool");

        var first = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;
        var second = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        first.Content[0].Text.ShouldBe("First.");
        second.Content[0].Text.ShouldBe("Second.");
        // Asked once (the 429 said until when), then skipped: no request while its window is used up.
        _bed.Generations("openai/chatgpt").Count.ShouldBe(1);

        _bed.Emulator.Control.SetQuota(Credential("anthropic/work"), new EmulatedQuota { Exhausted = true, ResetsInSeconds = 600 });
        using var http = _bed.Raw(_bed.Key);
        var body = """{"model":"pool","messages":[{"role":"user","content":"Hi"}]}""";
        using (var third = await http.PostAsync("/v1/chat/completions", GenerateContentTests.Json(body), TestContext.Current.CancellationToken))
        {
            ((int)third.StatusCode).ShouldBe(429, await third.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var asked = _bed.Generations("anthropic/work").Count;
        using var fourth = await http.PostAsync("/v1/chat/completions", GenerateContentTests.Json(body), TestContext.Current.CancellationToken);
        var refusal = await fourth.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)fourth.StatusCode).ShouldBe(429, refusal);
        refusal.ShouldContain("insufficient_quota");
        refusal.ShouldContain("openai/chatgpt until");
        refusal.ShouldContain("anthropic/work until");
        fourth.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(500, 601);
        _bed.Generations("anthropic/work").Count.ShouldBe(asked);
        _bed.Generations("openai/chatgpt").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_pool_sends_the_next_request_to_the_auth_with_the_most_headroom()
    {
        await _bed.AddRouteAsync("roomy", "openai/work/gpt-5-mini", "local/work/gpt-4o-mini");
        _bed.Emulator.Control.SetQuota(Credential("openai/work"), new EmulatedQuota { UsedPercent = 85 });
        _bed.Emulator.Control.SetQuota(Credential("local/work"), new EmulatedQuota { UsedPercent = 10 });
        await ChatAsync("openai/work", "gpt-5-mini");
        await ChatAsync("local/work", "gpt-4o-mini");
        var openAiBefore = _bed.Generations("openai/work").Count;
        _bed.Script("local/work", ScriptedResponse.FromText("From the emptier account."));

        var answer = (await _bed.OpenAI().GetChatClient("roomy").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        answer.Content[0].Text.ShouldBe("From the emptier account.");
        _bed.Generations("openai/work").Count.ShouldBe(openAiBefore);
    }

    [Fact]
    public async Task The_quota_is_persisted_read_back_after_a_restart_and_shown_by_the_cli_and_the_auth_page()
    {
        _bed.Emulator.Control.SetQuota(_subscriptionToken, new EmulatedQuota { UsedPercent = 90, ResetsInSeconds = 5400 });
        _bed.Emulator.Control.SetQuota(Credential("openai/chatgpt"), new EmulatedQuota { Exhausted = true, ResetsInSeconds = 3600 });
        await ChatAsync(Subscription, "claude-haiku-4-5");
        await Should.ThrowAsync<ProviderException>(() => ChatAsync("openai/chatgpt", "gpt-5.2-codex"));
        await _bed.Services.GetRequiredService<AuthQuotaSync>().SyncAsync(TestContext.Current.CancellationToken);

        // A restarted instance (empty memory) reads it back from the database.
        var restarted = new ObservedAuthLimits(TimeProvider.System);
        var store = _bed.Services.GetRequiredService<IAuthQuotaStore>();
        await using (var sync = new AuthQuotaSync(restarted, store, new QuotaSyncOptions(), TimeProvider.System, NullLogger<AuthQuotaSync>.Instance))
        {
            await sync.SyncAsync(TestContext.Current.CancellationToken);
        }

        restarted.Get(await IdAsync(Subscription)).Windows.Single(w => w.Name == "5h").UsedPercent!.Value.ShouldBe(90, 0.01);
        restarted.Get(await IdAsync("openai/chatgpt")).ExhaustedUntil(DateTimeOffset.UtcNow).ShouldNotBeNull();

        var one = await CliRunner.RunAsync(_bed.Env, "auth", "quota", Subscription, "--json");
        one.ExitCode.ShouldBe(0, one.ToString());
        using (var json = JsonDocument.Parse(one.Stdout))
        {
            json.RootElement.GetProperty("status").GetString().ShouldBe("ok");
            var fiveHour = json.RootElement.GetProperty("windows").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "5h");
            fiveHour.GetProperty("used_percent").GetDouble().ShouldBe(90);
            fiveHour.GetProperty("window_minutes").GetInt32().ShouldBe(300);
        }

        var all = await CliRunner.RunAsync(_bed.Env, "auth", "quota", "--json");
        all.ExitCode.ShouldBe(0, all.ToString());
        using (var json = JsonDocument.Parse(all.Stdout))
        {
            var chatgpt = json.RootElement.EnumerateArray().Single(a => a.GetProperty("auth").GetString() == "openai/chatgpt");
            chatgpt.GetProperty("status").GetString().ShouldBe("exhausted");
            chatgpt.GetProperty("last_limit").GetString().ShouldBe("quota_exhausted");
            json.RootElement.EnumerateArray().Single(a => a.GetProperty("auth").GetString() == "gemini/work").GetProperty("status").GetString().ShouldBe("unknown");
        }

        var human = await CliRunner.RunAsync(_bed.Env, "auth", "quota", "openai/chatgpt");
        human.ExitCode.ShouldBe(0, human.ToString());
        human.Stdout.ShouldContain("used up until");
        human.Stdout.ShouldContain("5-hour window");
        human.Stdout.ShouldContain("usage limit is reached");

        var show = await CliRunner.RunAsync(_bed.Env, "auth", "show", Subscription, "--json");
        using (var json = JsonDocument.Parse(show.Stdout))
        {
            json.RootElement.GetProperty("auth").GetProperty("quota").GetProperty("max_used_percent").GetDouble().ShouldBe(90);
        }

        using (var list = JsonDocument.Parse(await _bed.Server.Client.GetStringAsync("/api/auths", TestContext.Current.CancellationToken)))
        {
            var chatgpt = list.RootElement.EnumerateArray().Single(a => a.GetProperty("ref").GetString() == "openai/chatgpt");
            chatgpt.GetProperty("quota").GetProperty("status").GetString().ShouldBe("exhausted");
            list.RootElement.EnumerateArray().Single(a => a.GetProperty("ref").GetString() == "gemini/work").GetProperty("quota").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        var page = await _bed.Server.Client.GetStringAsync("/auths/anthropic/claude", TestContext.Current.CancellationToken);
        page.ShouldContain("id=\"quota-heading\"");
        page.ShouldContain("data-window=\"5h\"");
        page.ShouldContain("5-hour window");
        page.ShouldContain("aria-valuenow=\"90\"");
        page.ShouldContain("weekly window");
        page.ShouldContain("hx-get=\"/ui/auths/anthropic/claude/quota\"");
        using (var fragment = await _bed.Server.Client.GetHtmxAsync("/ui/auths/anthropic/claude/quota", TestContext.Current.CancellationToken))
        {
            var html = await fragment.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            fragment.StatusCode.ShouldBe(HttpStatusCode.OK, html);
            html.ShouldContain("data-window=\"5h\"");
            html.ShouldNotContain("<html");
        }

        var exhausted = await _bed.Server.Client.GetStringAsync("/auths/openai/chatgpt", TestContext.Current.CancellationToken);
        exhausted.ShouldContain("data-status=\"exhausted\"");
        exhausted.ShouldContain("pools skip this auth");
    }

    [Fact]
    public async Task Asking_for_the_quota_of_an_auth_that_does_not_exist_is_a_clear_error()
    {
        using var response = await _bed.Server.Client.GetAsync("/api/auths/anthropic/nobody/quota", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var cli = await CliRunner.RunAsync(_bed.Env, "auth", "quota", "anthropic/nobody");
        cli.ExitCode.ShouldBe(1, cli.ToString());
        cli.Stderr.ShouldContain("nobody");
        cli.Stderr.ShouldNotContain("   at ");

        var bad = await CliRunner.RunAsync(_bed.Env, "auth", "quota", "not-a-ref");
        bad.ExitCode.ShouldBe(1, bad.ToString());
        bad.Stderr.ShouldContain("error:");
    }

    [Fact]
    public async Task The_emulator_control_api_sets_and_refuses_quotas()
    {
        using var http = new HttpClient { BaseAddress = _bed.Emulator.BaseUrl };
        var ct = TestContext.Current.CancellationToken;

        (await http.PostAsJsonAsync("/_emulator/quota", new { key = "k", used_percent = 150 }, ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/_emulator/quota", new { used_percent = 10 }, ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/_emulator/quota", new { key = "k", used = 10 }, ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/_emulator/quota", new { key = "k", resets_in_seconds = 0 }, ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var key = Credential("openai/work");
        (await http.PostAsJsonAsync("/_emulator/quota", new { key, used_percent = 75, resets_in_seconds = 90 }, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var direct = new HttpClient { BaseAddress = _bed.Emulator.BaseUrl };
        direct.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var answer = await direct.PostAsJsonAsync("openai/v1/chat/completions", new { model = "gpt-5-mini", messages = new[] { new { role = "user", content = "Hi" } } }, ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        answer.Headers.GetValues("x-ratelimit-remaining-requests").Single().ShouldBe("2500");
        answer.Headers.GetValues("x-ratelimit-reset-requests").Single().ShouldBe("1m30s");

        (await http.DeleteAsync($"/_emulator/quota?key={key}", ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var after = await direct.PostAsJsonAsync("openai/v1/chat/completions", new { model = "gpt-5-mini", messages = new[] { new { role = "user", content = "Hi" } } }, ct);
        after.Headers.GetValues("x-ratelimit-remaining-requests").Single().ShouldBe("10000");
    }

    private string Credential(string auth) => auth == Subscription ? _subscriptionToken : _bed.Credential(auth);

    private async Task<Guid> IdAsync(string auth) =>
        (await _bed.Services.GetRequiredService<AuthService>().GetAsync(AuthRef.Parse(auth), TestContext.Current.CancellationToken)).Id;

    private async Task<AuthLimitState> StateAsync(string auth) => _bed.Services.GetRequiredService<IAuthLimits>().Get(await IdAsync(auth));

    /// <summary>One chat through the auth's own pipeline (as a session's turn would call it), not the gateway.</summary>
    private async Task ChatAsync(string auth, string model)
    {
        var client = await _bed.Services.GetRequiredService<ProviderConnections>().CreateChatClientAsync(AuthRef.Parse(auth), TestContext.Current.CancellationToken);
        var response = await client.GetResponseAsync("Hi", new ChatOptions { ModelId = model }, TestContext.Current.CancellationToken);
        response.Text.ShouldNotBeNullOrEmpty();
    }
}
