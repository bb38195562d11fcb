using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Core.Events;
using Maestro.Emulator;
using Maestro.Gateway.Events;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Maestro.Tests.Gateway;

/// <summary>
/// /api/gateway: keys and routes over REST with the access token, through the services the CLI uses — the key shown
/// once, usage and cost per key, routes validated with a 400 naming the field, and nothing a gateway key can reach.
/// </summary>
public sealed class GatewayApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _prices = Path.Combine(Path.GetTempPath(), $"maestro-prices-{Guid.NewGuid():N}.json");
    private GatewayTestBed _bed = null!;

    private HttpClient Api => _bed.Server.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(_prices, """{"models":{"claude-haiku-4-5":{"input":1,"output":5}}}""", Ct);
        _bed = await GatewayTestBed.StartAsync(postgres, "gwapi", settings => settings["MAESTRO_PRICES"] = _prices);
    }

    public async ValueTask DisposeAsync()
    {
        await _bed.DisposeAsync();
        File.Delete(_prices);
    }

    [Fact]
    public async Task A_key_is_created_shown_once_used_reported_with_its_cost_and_revoked()
    {
        using var created = await Api.PostAsJsonAsync("/api/gateway/keys", new { name = "api-made", budget_usd = 5, rpm = 100, tpm = 100_000 }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        created.Headers.Location!.ToString().ShouldBe("/api/gateway/keys/api-made");
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var secret = body.GetProperty("key").GetString()!;
        secret.ShouldStartWith("sk-maestro-");
        body.GetProperty("state").GetString().ShouldBe("active");
        body.GetProperty("budget_usd").GetDecimal().ShouldBe(5m);
        body.GetProperty("rpm").GetInt32().ShouldBe(100);
        body.GetProperty("restricted").GetBoolean().ShouldBeFalse();

        // Shown once: no listing or lookup carries it again.
        var list = await Api.GetStringAsync("/api/gateway/keys", Ct);
        list.ShouldContain("\"name\":\"api-made\"");
        list.ShouldNotContain(secret);
        list.ShouldNotContain("\"key\":");
        (await Api.GetStringAsync("/api/gateway/keys/api-made", Ct)).ShouldNotContain(secret);

        using var usage = _bed.Services.GetRequiredService<SessionEventHub>().Subscribe(GatewayEvents.Channel);
        _bed.Script("anthropic/work", new ScriptedResponse { Text = "Counted.", Usage = new ScriptedUsage { InputTokens = 1000, OutputTokens = 200 } });
        var answer = await _bed.OpenAI(secret).GetChatClient("anthropic/work/claude-haiku-4-5").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct);
        answer.Value.Content[0].Text.ShouldBe("Counted.");
        await WaitForAsync(usage, GatewayEvents.UsageWritten);

        var report = await Api.GetFromJsonAsync<JsonElement>("/api/gateway/keys/api-made/usage", Ct);
        var row = report.GetProperty("rows").EnumerateArray().Single();
        row.GetProperty("provider").GetString().ShouldBe("anthropic");
        row.GetProperty("model").GetString().ShouldStartWith("claude-haiku-4-5");
        row.GetProperty("requests").GetInt64().ShouldBe(1);
        row.GetProperty("input_tokens").GetInt64().ShouldBe(1000);
        // 1,000 input and 200 output tokens at US$1 / US$5 per million.
        report.GetProperty("cost_usd").GetDecimal().ShouldBe(0.002m);
        var key = await Api.GetFromJsonAsync<JsonElement>("/api/gateway/keys/api-made", Ct);
        key.GetProperty("requests_this_month").GetInt64().ShouldBe(1);
        key.GetProperty("spent_this_month_usd").GetDecimal().ShouldBe(0.002m);
        key.TryGetProperty("last_used_at", out var lastUsed).ShouldBeTrue();
        lastUsed.ValueKind.ShouldBe(JsonValueKind.String);

        using var revoked = await Api.PostAsync("/api/gateway/keys/api-made/revoke", null, Ct);
        revoked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await revoked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("state").GetString().ShouldBe("revoked");
        var refused = await Should.ThrowAsync<ClientResultException>(() =>
            _bed.OpenAI(secret).GetChatClient("anthropic/work/claude-haiku-4-5").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct));
        refused.Status.ShouldBe(401);

        using var again = await Api.PostAsync("/api/gateway/keys/api-made/revoke", null, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync(Ct)).ShouldContain("was revoked on");
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "name")]
    [InlineData("""{"name":"fine-name","budget_usd":-1}""", "budget_usd")]
    [InlineData("""{"name":"fine-name","rpm":0}""", "rpm")]
    [InlineData("""{"name":"fine-name","tpm":-5}""", "tpm")]
    [InlineData("""{"name":"fine-name","routes":["nosuch"]}""", "routes")]
    [InlineData("""{"name":"fine-name","rpm":"ten"}""", "rpm")]
    [InlineData("""{"name":"fine-name","budget_usd":"5"}""", "budget_usd")]
    [InlineData("""[]""", "body")]
    public async Task Bad_key_input_gets_a_400_naming_the_field(string json, string field)
    {
        using var response = await Api.PostAsync("/api/gateway/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await Api.GetStringAsync("/api/gateway/keys", Ct)).ShouldNotContain("fine-name");
    }

    [Fact]
    public async Task A_key_name_is_unique()
    {
        (await Api.PostAsJsonAsync("/api/gateway/keys", new { name = "twice" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var second = await Api.PostAsJsonAsync("/api/gateway/keys", new { name = "twice" }, Ct);

        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Routes_are_added_edited_renamed_and_removed_and_keys_follow()
    {
        using var added = await Api.PostAsJsonAsync("/api/gateway/routes",
            new { name = "pool", targets = new[] { "anthropic/work/claude-haiku-4-5", "openai/work/gpt-5-mini" } }, Ct);
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync(Ct));
        var route = await added.Content.ReadFromJsonAsync<JsonElement>(Ct);
        route.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()).ShouldBe(["anthropic/work/claude-haiku-4-5", "openai/work/gpt-5-mini"]);
        route.GetProperty("targets")[0].GetProperty("auth_status").GetString().ShouldBe("active");
        route.GetProperty("targets")[0].GetProperty("auth").GetString().ShouldBe("work");

        using var key = await Api.PostAsJsonAsync("/api/gateway/keys", new { name = "pooled", routes = new[] { "pool" } }, Ct);
        var secret = (await key.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
        (await Api.GetFromJsonAsync<JsonElement>("/api/gateway/routes/pool", Ct)).GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ShouldBe(["pooled"]);

        // New order: OpenAI first.
        using var edited = await Api.PatchAsJsonAsync("/api/gateway/routes/pool", new { targets = new[] { "openai/work/gpt-5-mini", "anthropic/work/claude-haiku-4-5" } }, Ct);
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync(Ct));
        _bed.Script("openai/work", ScriptedResponse.FromText("First in the new order."));
        (await _bed.OpenAI(secret).GetChatClient("pool").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct))
            .Value.Content[0].Text.ShouldBe("First in the new order.");

        // Renamed: the key limited to it keeps it, under its new name; the old name is gone for clients.
        using var renamed = await Api.PatchAsJsonAsync("/api/gateway/routes/pool", new { name = "pool2" }, Ct);
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync(Ct));
        (await Api.GetFromJsonAsync<JsonElement>("/api/gateway/keys/pooled", Ct)).GetProperty("routes").EnumerateArray().Select(r => r.GetString()).ShouldBe(["pool2"]);
        // Either target may answer now: the pool prefers the auth with the most quota headroom, and the first call
        // gave the OpenAI auth a reported rate-limit window while the Anthropic one has none yet.
        (await _bed.OpenAI(secret).GetChatClient("pool2").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct))
            .Value.Content[0].Text.ShouldNotBeNullOrWhiteSpace();
        (await Should.ThrowAsync<ClientResultException>(() => _bed.OpenAI(secret).GetChatClient("pool").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct)))
            .Status.ShouldBe(404);

        // In use by a live key: refused, naming the key; once the key is revoked, removed.
        using var inUse = await Api.DeleteAsync("/api/gateway/routes/pool2", Ct);
        inUse.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await inUse.Content.ReadAsStringAsync(Ct)).ShouldContain("pooled");
        (await Api.PostAsync("/api/gateway/keys/pooled/revoke", null, Ct)).EnsureSuccessStatusCode();
        using var removed = await Api.DeleteAsync("/api/gateway/routes/pool2", Ct);
        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Api.GetStringAsync("/api/gateway/routes", Ct)).ShouldBe("[]");
    }

    [Theory]
    [InlineData("""{"name":"r1","targets":["nosuchprovider/work/m"]}""", "targets", "nosuchprovider")]
    [InlineData("""{"name":"r1","targets":["anthropic/nobody/m"]}""", "targets", "nobody")]
    [InlineData("""{"name":"r1","targets":["just-a-model"]}""", "targets", "provider/auth/model")]
    [InlineData("""{"name":"r1","targets":[]}""", "targets", "at least one target")]
    [InlineData("""{"name":"r1","targets":["anthropic/work/m","anthropic/work/m"]}""", "targets", "twice")]
    [InlineData("""{"name":"bad name","targets":["anthropic/work/m"]}""", "name", "not a valid route name")]
    [InlineData("""{"name":"r1","targets":"anthropic/work/m"}""", "targets", "list")]
    public async Task Bad_route_input_gets_a_400_naming_the_field(string json, string field, string message)
    {
        using var response = await Api.PostAsync("/api/gateway/routes", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()).ShouldContain(m => m!.Contains(message, StringComparison.Ordinal), errors.ToString());
        (await Api.GetStringAsync("/api/gateway/routes", Ct)).ShouldBe("[]");
    }

    [Fact]
    public async Task A_bad_edit_changes_nothing()
    {
        (await Api.PostAsJsonAsync("/api/gateway/routes", new { name = "kept", targets = new[] { "anthropic/work/claude-haiku-4-5" } }, Ct)).EnsureSuccessStatusCode();

        using var bad = await Api.PatchAsJsonAsync("/api/gateway/routes/kept", new { name = "also kept?", targets = new[] { "anthropic/nobody/m" } }, Ct);
        using var empty = await Api.PatchAsJsonAsync("/api/gateway/routes/kept", new { }, Ct);
        using var missing = await Api.PatchAsJsonAsync("/api/gateway/routes/nosuch", new { targets = new[] { "anthropic/work/m" } }, Ct);

        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        errors.TryGetProperty("name", out _).ShouldBeTrue();
        errors.TryGetProperty("targets", out _).ShouldBeTrue();
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var route = await Api.GetFromJsonAsync<JsonElement>("/api/gateway/routes/kept", Ct);
        route.GetProperty("targets").EnumerateArray().Single().GetProperty("target").GetString().ShouldBe("anthropic/work/claude-haiku-4-5");
    }

    [Fact]
    public async Task A_gateway_key_cannot_manage_keys_or_routes()
    {
        using var withKey = _bed.Raw(_bed.Key);

        using var list = await withKey.GetAsync("/api/gateway/keys", Ct);
        using var create = await withKey.PostAsJsonAsync("/api/gateway/keys", new { name = "sneaky" }, Ct);
        using var route = await withKey.PostAsJsonAsync("/api/gateway/routes", new { name = "sneaky", targets = new[] { "anthropic/work/m" } }, Ct);

        list.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        create.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        route.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Api.GetStringAsync("/api/gateway/keys", Ct)).ShouldNotContain("sneaky");
    }

    /// <summary>Waits for the gateway's announcement (usage is written behind the requests, in batches).</summary>
    private static async Task WaitForAsync(Maestro.Core.Events.Subscription subscription, string type)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await subscription.Reader.ReadAsync(timeout.Token) is { } e && e.Type != type)
        {
        }
    }
}
