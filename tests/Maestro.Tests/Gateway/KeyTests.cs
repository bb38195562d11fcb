using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Maestro.Emulator;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Limits;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Maestro.Tests.Gateway;

/// <summary>Gateway keys: each client's 401 for a bad key, routes a key may use, budgets and rate limits in the client's 429.</summary>
public sealed class KeyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _prices = Path.Combine(Path.GetTempPath(), $"maestro-prices-{Guid.NewGuid():N}.json");
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(_prices, """{"models":{"claude-haiku-4-5":{"input":1,"output":5},"local/gpt-4o":{"input":0.5,"output":1}}}""", TestContext.Current.CancellationToken);
        _bed = await GatewayTestBed.StartAsync(postgres, "gwkeys", settings => settings["MAESTRO_PRICES"] = _prices);
    }

    public async ValueTask DisposeAsync()
    {
        await _bed.DisposeAsync();
        File.Delete(_prices);
    }

    [Fact]
    public async Task A_bad_key_gets_each_clients_401_shape()
    {
        var openai = await Should.ThrowAsync<ClientResultException>(() =>
            _bed.OpenAI("mk-not-a-key-0000000000000000").GetChatClient("anthropic/work/claude-haiku-4-5")
                .CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken));
        openai.Status.ShouldBe(401);
        openai.Message.ShouldContain("Incorrect API key provided");
        openai.Message.ShouldNotContain("mk-not-a-key-0000000000000000");

        using var anthropic = _bed.Anthropic("mk-not-a-key-0000000000000000");
        var refused = await Should.ThrowAsync<AnthropicUnauthorizedException>(() => anthropic.Messages.Create(
            new MessageCreateParams { Model = "anthropic/work/claude-haiku-4-5", MaxTokens = 16, Messages = [new UserMessageParam("Hi")] },
            TestContext.Current.CancellationToken));
        refused.Message.ShouldContain("authentication_error");

        using var gemini = _bed.Gemini("mk-not-a-key-0000000000000000");
        using var response = await gemini.PostAsync("/v1beta/models/gemini/work/gemini-2.5-flash:generateContent",
            GenerateContentTests.Json("""{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"""), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var google = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        google.RootElement.GetProperty("error").GetProperty("status").GetString().ShouldBe("UNAUTHENTICATED");

        // Nothing reached a provider.
        _bed.Generations("anthropic/work").ShouldBeEmpty();
        _bed.Generations("gemini/work").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("authorization")]
    [InlineData("x-api-key")]
    [InlineData("x-goog-api-key")]
    [InlineData("query")]
    public async Task A_key_is_accepted_where_each_client_sends_it(string carrier)
    {
        using var http = _bed.Raw();
        var path = "/v1beta/models";
        using var request = new HttpRequestMessage(HttpMethod.Get, carrier == "query" ? $"{path}?key={_bed.Key}" : path);
        if (carrier == "authorization")
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _bed.Key);
        }
        else if (carrier != "query")
        {
            request.Headers.Add(carrier, _bed.Key);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_revoked_key_is_refused()
    {
        var secret = await _bed.CreateKeyAsync("leaving");
        _bed.Script("anthropic/work", ScriptedResponse.FromText("Still here."));
        var client = _bed.OpenAI(secret).GetChatClient("anthropic/work/claude-haiku-4-5");
        (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value.Content[0].Text.ShouldBe("Still here.");

        await _bed.Services.GetRequiredService<KeyService>().RevokeAsync("leaving", TestContext.Current.CancellationToken);

        var refused = await Should.ThrowAsync<ClientResultException>(() =>
            client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken));
        refused.Status.ShouldBe(401);
    }

    [Fact]
    public async Task A_key_restricted_to_a_route_reaches_nothing_else()
    {
        await _bed.AddRouteAsync("mine", "openai/work/gpt-5-mini");
        var secret = await _bed.CreateKeyAsync("narrow", routes: ["mine"]);
        _bed.Script("openai/work", ScriptedResponse.FromText("Via my route."));
        var key = _bed.OpenAI(secret);

        (await key.GetChatClient("mine").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken))
            .Value.Content[0].Text.ShouldBe("Via my route.");
        var elsewhere = await Should.ThrowAsync<ClientResultException>(() => key.GetChatClient("anthropic/work/claude-haiku-4-5")
            .CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken));

        elsewhere.Status.ShouldBe(404);
        elsewhere.Message.ShouldContain("mine");
        _bed.Generations("anthropic/work").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rate_limit_answers_each_clients_429_with_retry_after()
    {
        var secret = await _bed.CreateKeyAsync("slow", rpm: 1);
        _bed.Script("anthropic/work", ScriptedResponse.FromText("The one request this minute."));
        using var anthropic = _bed.Anthropic(secret);
        var request = new MessageCreateParams { Model = "anthropic/work/claude-haiku-4-5", MaxTokens = 16, Messages = [new UserMessageParam("Hi")] };

        await anthropic.Messages.Create(request, TestContext.Current.CancellationToken);
        var limited = await Should.ThrowAsync<AnthropicRateLimitException>(() => anthropic.Messages.Create(request, TestContext.Current.CancellationToken));

        limited.Message.ShouldContain("1 requests per minute");
        using var http = _bed.Raw(secret);
        using var response = await http.PostAsync("/v1/chat/completions",
            GenerateContentTests.Json("""{"model":"anthropic/work/claude-haiku-4-5","messages":[{"role":"user","content":"Hi"}]}"""), TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBe(429);
        response.Headers.RetryAfter.ShouldNotBeNull();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        body.RootElement.GetProperty("error").GetProperty("code").GetString().ShouldBe("rate_limit_exceeded");
        _bed.Generations("anthropic/work").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_spent_budget_answers_insufficient_quota_until_the_month_ends()
    {
        var secret = await _bed.CreateKeyAsync("thrifty", budget: 0.001m);
        // 1,000 input and 100 output tokens of claude-haiku-4-5 at US$1/US$5 per million: US$0.0015, over the budget.
        _bed.Script("anthropic/work", new ScriptedResponse { Text = "Worth it.", Usage = new ScriptedUsage { InputTokens = 1000, OutputTokens = 100 } });
        var client = _bed.OpenAI(secret).GetChatClient("anthropic/work/claude-haiku-4-5");
        await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);
        var limits = _bed.Services.GetRequiredService<KeyLimits>();
        var key = await _bed.Services.GetRequiredService<KeyService>().GetAsync("thrifty", TestContext.Current.CancellationToken);
        await WaitUntilAsync(async () => await limits.SpentAsync(key.Id, TestContext.Current.CancellationToken) > 0);

        var refused = await Should.ThrowAsync<ClientResultException>(() =>
            client.CompleteChatAsync([new UserChatMessage("Again")], cancellationToken: TestContext.Current.CancellationToken));

        refused.Status.ShouldBe(429);
        refused.Message.ShouldContain("has used its budget of US$0");
        refused.Message.ShouldContain("insufficient_quota");
        _bed.Generations("anthropic/work").Count.ShouldBe(1);
        // Usage records are written behind (batched): the report reads them once written.
        var keys = _bed.Services.GetRequiredService<KeyService>();
        await WaitUntilAsync(async () => (await keys.UsageAsync("thrifty", null, TestContext.Current.CancellationToken)).CostUsd is not null);
        var report = await keys.UsageAsync("thrifty", null, TestContext.Current.CancellationToken);
        report.CostUsd.ShouldBe(0.0015m);
    }

    [Fact]
    public async Task A_model_two_providers_serve_is_charged_at_the_price_of_the_one_that_answered()
    {
        // gpt-4o from OpenAI (built-in US$2.50 / US$10) and from an OpenAI-compatible endpoint (the price file's
        // local/gpt-4o, US$0.50 / US$1): 1,000 input and 100 output tokens each.
        var fromOpenAI = await _bed.CreateKeyAsync("via-openai");
        var fromLocal = await _bed.CreateKeyAsync("via-local");
        var usage = new ScriptedUsage { InputTokens = 1000, OutputTokens = 100 };
        _bed.Script("openai/work", new ScriptedResponse { Text = "OpenAI.", Usage = usage });
        _bed.Script("local/work", new ScriptedResponse { Text = "Local.", Usage = usage });
        await _bed.OpenAI(fromOpenAI).GetChatClient("openai/work/gpt-4o")
            .CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);
        await _bed.OpenAI(fromLocal).GetChatClient("local/work/gpt-4o")
            .CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        var keys = _bed.Services.GetRequiredService<KeyService>();
        await WaitUntilAsync(async () => (await keys.UsageAsync("via-openai", null, TestContext.Current.CancellationToken)).CostUsd is not null &&
                                         (await keys.UsageAsync("via-local", null, TestContext.Current.CancellationToken)).CostUsd is not null);
        (await keys.UsageAsync("via-openai", null, TestContext.Current.CancellationToken)).CostUsd.ShouldBe(0.0025m + 0.001m);
        (await keys.UsageAsync("via-local", null, TestContext.Current.CancellationToken)).CostUsd.ShouldBe(0.0005m + 0.0001m);
    }

    /// <summary>The spend is recorded just after the answer; the next request must see it.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the condition did not hold in time");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
