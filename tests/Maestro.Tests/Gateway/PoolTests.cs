using Anthropic.Models.Messages;
using Maestro.Core.Auths;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Maestro.Tests.Gateway;

/// <summary>A route over several auths: failover before the first byte, never after it; limited auths go last.</summary>
public sealed class PoolTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    // Retries on, so the tests show a pool member fails over at once instead of retrying; the last one still retries.
    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwpool", settings =>
    {
        settings["MAESTRO_PROVIDER_MAX_RETRIES"] = "2";
        settings["MAESTRO_PROVIDER_RETRY_DELAY_MS"] = "10";
    });

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_429_fails_over_to_the_next_auth_without_retrying_the_first_and_the_limited_auth_goes_last_next_time()
    {
        await _bed.AddRouteAsync("fast", "anthropic/work/claude-haiku-4-5", "openai/work/gpt-5-mini");
        _bed.Script("anthropic/work", ScriptedResponse.FromFault("429:30"));
        _bed.Script("openai/work", ScriptedResponse.FromText("From the second auth."), ScriptedResponse.FromText("Again from the second."));
        var client = _bed.OpenAI().GetChatClient("fast");

        var first = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;
        var second = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        first.Content[0].Text.ShouldBe("From the second auth.");
        second.Content[0].Text.ShouldBe("Again from the second.");
        // One try on the limited auth (no retries in a pool), and none while it is limited.
        _bed.Generations("anthropic/work").Count.ShouldBe(1);
        _bed.Generations("openai/work").Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_auth_needing_a_new_login_is_skipped_for_the_next_target()
    {
        await _bed.AddRouteAsync("pool", "gemini/gca/gemini-2.5-flash", "anthropic/work/claude-haiku-4-5");
        var store = _bed.Services.GetRequiredService<IAuthStore>();
        var gca = (await store.FindAsync("gemini", "gca", TestContext.Current.CancellationToken))!;
        await store.UpdateAsync(gca.Id, new AuthUpdate { Status = AuthStatus.NeedsRelogin, StatusMessage = "the refresh token was revoked" }, TestContext.Current.CancellationToken);
        _bed.Script("anthropic/work", ScriptedResponse.FromText("Served by Anthropic."));

        using var anthropic = _bed.Anthropic();
        var answer = await anthropic.Messages.Create(
            new MessageCreateParams { Model = "pool", MaxTokens = 64, Messages = [new UserMessageParam("Hi")] },
            TestContext.Current.CancellationToken);

        answer.Content[0].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("Served by Anthropic.");
        _bed.Generations("gemini/gca").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_5xx_fails_over_but_the_last_target_of_a_pool_retries()
    {
        await _bed.AddRouteAsync("sturdy", "openai/work/gpt-5-mini", "gemini/work/gemini-2.5-flash");
        _bed.Script("openai/work", ScriptedResponse.FromFault("503"));
        _bed.Script("gemini/work", ScriptedResponse.FromFault("500"), ScriptedResponse.FromText("Second try on the last auth."));
        var client = _bed.OpenAI().GetChatClient("sturdy");

        var answer = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        answer.Content[0].Text.ShouldBe("Second try on the last auth.");
        _bed.Generations("openai/work").Count.ShouldBe(1);
        _bed.Generations("gemini/work").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_stream_that_breaks_after_its_first_bytes_is_not_retried_or_duplicated()
    {
        await _bed.AddRouteAsync("once", "anthropic/work/claude-haiku-4-5", "openai/work/gpt-5-mini");
        _bed.Script("anthropic/work", new ScriptedResponse { Text = "Partial answer that breaks", Fault = EmulatorFault.Parse("disconnect:4") });
        _bed.Script("openai/work", ScriptedResponse.FromText("Must not be used."));
        using var http = _bed.Raw(_bed.Key);

        using var response = await http.PostAsync("/v1/chat/completions",
            GenerateContentTests.Json("""{"model":"once","stream":true,"messages":[{"role":"user","content":"Hi"}]}"""), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // The answer started, so the client gets what came and then the error, in its own stream format.
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, body);
        body.ShouldContain("\"error\"");
        body.ShouldNotContain("Must not be used.");
        _bed.Generations("anthropic/work").Count.ShouldBe(1);
        _bed.Generations("openai/work").ShouldBeEmpty();
    }

    [Fact]
    public async Task When_every_auth_is_limited_the_client_gets_its_429_with_retry_after()
    {
        await _bed.AddRouteAsync("busy", "anthropic/work/claude-haiku-4-5", "local/work/gpt-4o-mini");
        _bed.Script("anthropic/work", ScriptedResponse.FromFault("429:20"));
        _bed.Script("local/work", ScriptedResponse.FromFault("429:90"));
        using var http = _bed.Raw(_bed.Key);

        using var response = await http.PostAsync("/v1/chat/completions", GenerateContentTests.Json("""{"model":"busy","messages":[{"role":"user","content":"Hi"}]}"""),
            TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBe(429, body);
        response.Headers.RetryAfter.ShouldNotBeNull();
        body.ShouldContain("rate_limit_exceeded");
        body.ShouldContain("Every auth of this pool is limited");
    }
}
