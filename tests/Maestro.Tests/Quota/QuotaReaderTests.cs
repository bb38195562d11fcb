using System.Net;
using System.Text;
using Maestro.Core.Quota;
using Maestro.Providers.Anthropic;
using Maestro.Providers.Gemini;
using Maestro.Providers.OpenAI;
using Maestro.Providers.OpenAI.ChatGpt;
using Maestro.Tests.Emulator;

namespace Maestro.Tests.Quota;

/// <summary>Each provider's quota reader against headers and bodies as the providers send them.</summary>
public sealed class QuotaReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Anthropic_api_key_headers_become_one_window_each()
    {
        var reading = AnthropicQuotaReader.Instance.Read(Response(200, [
            ("anthropic-ratelimit-requests-limit", "1000"), ("anthropic-ratelimit-requests-remaining", "999"),
            ("anthropic-ratelimit-requests-reset", "2026-12-05T14:00:59Z"),
            ("anthropic-ratelimit-input-tokens-limit", "80000"), ("anthropic-ratelimit-input-tokens-remaining", "20000"),
            ("anthropic-ratelimit-input-tokens-reset", "2026-12-05T14:00:30Z"),
            ("anthropic-ratelimit-output-tokens-limit", "16000"), ("anthropic-ratelimit-output-tokens-remaining", "16000"),
            ("anthropic-ratelimit-output-tokens-reset", "2026-12-05T14:01:00Z"),
            ("anthropic-ratelimit-tokens-limit", "96000"), ("anthropic-ratelimit-tokens-remaining", "36000"),
            ("anthropic-ratelimit-tokens-reset", "2026-12-05T14:00:59Z"),
        ]))!;

        reading.Exhausted.ShouldBeFalse();
        var input = reading.Windows!.Single(w => w.Name == "input-tokens");
        input.Limit.ShouldBe(80000);
        input.Remaining.ShouldBe(20000);
        input.UsedPercent.ShouldBe(75);
        input.ResetsAt.ShouldBe(Now.AddSeconds(30));
        reading.Windows!.Select(w => w.Name).ShouldBe(["requests", "tokens", "input-tokens", "output-tokens"], ignoreOrder: true);
    }

    [Fact]
    public void Anthropic_subscription_windows_and_a_rejected_429_mark_the_plan_used_up_until_its_reset()
    {
        var reset = Now.AddHours(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var weekly = Now.AddDays(3).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reading = AnthropicQuotaReader.Instance.Read(Response(429, [
            ("anthropic-ratelimit-unified-status", "rejected"), ("anthropic-ratelimit-unified-reset", reset),
            ("anthropic-ratelimit-unified-representative-claim", "five_hour"),
            ("anthropic-ratelimit-unified-5h-utilization", "1.0"), ("anthropic-ratelimit-unified-5h-reset", reset),
            ("anthropic-ratelimit-unified-5h-status", "rejected"),
            ("anthropic-ratelimit-unified-7d-utilization", "0.34"), ("anthropic-ratelimit-unified-7d-reset", weekly),
            ("anthropic-ratelimit-unified-7d-status", "allowed"),
            ("anthropic-ratelimit-unified-7d_sonnet-utilization", "0.71"), ("anthropic-ratelimit-unified-7d_sonnet-reset", weekly),
        ]))!;

        reading.Exhausted.ShouldBeTrue();
        reading.Until.ShouldBe(Now.AddHours(2));
        reading.Detail!.ShouldContain("5-hour limit");
        var fiveHour = reading.Windows!.Single(w => w.Name == "5h");
        fiveHour.UsedPercent.ShouldBe(100);
        fiveHour.Rejected.ShouldBeTrue();
        fiveHour.WindowMinutes.ShouldBe(300);
        fiveHour.IsExhausted(Now).ShouldBeTrue();
        reading.Windows!.Single(w => w.Name == "7d").UsedPercent!.Value.ShouldBe(34, 0.001);
        reading.Windows!.Single(w => w.Name == "7d_sonnet").UsedPercent!.Value.ShouldBe(71, 0.001);
    }

    [Fact]
    public void OpenAI_headers_read_go_durations_and_insufficient_quota_is_exhaustion()
    {
        var reading = OpenAIQuotaReader.Instance.Read(Response(200, [
            ("x-ratelimit-limit-requests", "5000"), ("x-ratelimit-remaining-requests", "4999"), ("x-ratelimit-reset-requests", "12ms"),
            ("x-ratelimit-limit-tokens", "160000"), ("x-ratelimit-remaining-tokens", "40000"), ("x-ratelimit-reset-tokens", "6m0s"),
        ]))!;

        var tokens = reading.Windows!.Single(w => w.Name == "tokens");
        tokens.UsedPercent.ShouldBe(75);
        tokens.ResetsAt.ShouldBe(Now.AddMinutes(6));
        reading.Windows!.Single(w => w.Name == "requests").ResetsAt.ShouldBe(Now.AddMilliseconds(12));

        var refused = OpenAIQuotaReader.Instance.Read(Response(429, [],
            """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"""))!;
        refused.Exhausted.ShouldBeTrue();
    }

    [Theory]
    [InlineData("1h2m3.5s", 3723.5)]
    [InlineData("6m0s", 360)]
    [InlineData("17s", 17)]
    [InlineData("250ms", 0.25)]
    [InlineData("2m59.56s", 179.56)]
    public void OpenAI_reset_durations(string text, double seconds) =>
        OpenAIQuotaReader.Duration(text)!.Value.TotalSeconds.ShouldBe(seconds, 0.0001);

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5x")]
    public void OpenAI_reset_durations_that_do_not_read_are_absent(string text) => OpenAIQuotaReader.Duration(text).ShouldBeNull();

    [Fact]
    public void ChatGpt_usage_windows_are_named_by_their_length_and_usage_limit_reached_gives_the_reset()
    {
        var reset = Now.AddMinutes(90);
        var headers = new (string, string)[]
        {
            ("x-codex-primary-used-percent", "100"), ("x-codex-primary-window-minutes", "300"),
            ("x-codex-primary-reset-at", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("x-codex-secondary-used-percent", "41.5"), ("x-codex-secondary-window-minutes", "10080"),
            ("x-codex-secondary-reset-after-seconds", "86400"),
            ("x-codex-bengalfox-primary-used-percent", "12"), ("x-codex-bengalfox-limit-name", "gpt-5.2-codex-sonic"),
        };

        var ok = ChatGptQuotaReader.Instance.Read(Response(200, headers))!;
        ok.Windows!.Single(w => w.Name == "5h").ResetsAt.ShouldBe(reset);
        ok.Windows!.Single(w => w.Name == "7d").UsedPercent.ShouldBe(41.5);
        ok.Windows!.Single(w => w.Name == "7d").ResetsAt.ShouldBe(Now.AddDays(1));
        ok.Windows!.Single(w => w.Name == "gpt-5.2-codex-sonic primary").UsedPercent.ShouldBe(12);

        var limited = ChatGptQuotaReader.Instance.Read(Response(429, headers,
            """{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_in_seconds":5400}}"""))!;
        limited.Exhausted.ShouldBeTrue();
        limited.Until.ShouldBe(reset);
        limited.Detail!.ShouldContain("usage limit is reached");
    }

    [Fact]
    public void Gemini_429_quota_details_from_a_recorded_response_become_a_window_used_up_until_the_retry_delay()
    {
        var body = File.ReadAllText(Path.Combine(FixtureFiles.Root, "gemini/generate-content/errors/429-resource-exhausted.json"));

        var reading = GeminiQuotaReader.Instance.Read(Response(429, [], body))!;

        var window = reading.Windows!.Single();
        window.Name.ShouldBe("GenerateContentPaidTierInputTokensPerModelPerMinute");
        window.Limit.ShouldBe(1_000_000);
        window.Remaining.ShouldBe(0);
        window.ResetsAt.ShouldBe(Now.AddSeconds(48));
        window.IsExhausted(Now).ShouldBeTrue();
        reading.Exhausted.ShouldBeFalse();
        reading.Until.ShouldBe(Now.AddSeconds(48));
        GeminiQuotaReader.Instance.Read(Response(200, [])).ShouldBeNull();
    }

    [Fact]
    public void Gemini_daily_quota_without_a_retry_delay_resets_at_midnight_pacific()
    {
        var reading = GeminiQuotaReader.Instance.Read(Response(429, [], """
            {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded","details":[
              {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaValue":"250"}]}]}}
            """))!;

        reading.Exhausted.ShouldBeTrue();
        var reset = reading.Windows!.Single().ResetsAt!.Value;
        reset.ShouldBeGreaterThan(Now);
        (reset - Now).ShouldBeLessThanOrEqualTo(TimeSpan.FromHours(25));
    }

    [Fact]
    public void The_state_merges_windows_by_name_keeps_the_longer_limit_and_clears_on_success()
    {
        var time = new Infrastructure.ManualTime(Now);
        var limits = new ObservedAuthLimits(time);
        var auth = Guid.NewGuid();
        limits.Report(auth, new AuthLimitSignal(AuthLimitKind.Ok, Windows: [new QuotaWindow("5h", 40, Now.AddHours(2)), new QuotaWindow("7d", 10, Now.AddDays(2))]));
        limits.Report(auth, new AuthLimitSignal(AuthLimitKind.Ok, Windows: [new QuotaWindow("5h", 55, Now.AddHours(2))]));

        var state = limits.Get(auth);
        state.Windows.Single(w => w.Name == "5h").UsedPercent.ShouldBe(55);
        state.Windows.Single(w => w.Name == "7d").UsedPercent.ShouldBe(10);
        state.MaxUsedPercentAt(Now).ShouldBe(55);

        // The provider's headers say the plan is used up for 2 hours; the gateway's report of the same 429 knows less.
        limits.Report(auth, new AuthLimitSignal(AuthLimitKind.QuotaExhausted, Now.AddHours(2), "plan used up"));
        limits.Report(auth, new AuthLimitSignal(AuthLimitKind.RateLimited, null, "429"));
        limits.Get(auth).LimitedUntil.ShouldBe(Now.AddHours(2));
        limits.Get(auth).ExhaustedUntil(Now).ShouldBe(Now.AddHours(2));

        time.Advance(TimeSpan.FromHours(3));
        limits.Get(auth).ExhaustedUntil(time.GetUtcNow()).ShouldBeNull();
        limits.Get(auth).MaxUsedPercentAt(time.GetUtcNow()).ShouldBe(10, "windows past their reset count as empty");
        limits.Report(auth, AuthLimitSignal.Ok);
        limits.Get(auth).IsLimited(time.GetUtcNow()).ShouldBeFalse();
        limits.TakeChanged().Select(c => c.Key).ShouldBe([auth]);
        limits.TakeChanged().ShouldBeEmpty();
    }

    private static QuotaResponse Response(int status, (string Name, string Value)[] headers, string? body = null)
    {
        using var message = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return new QuotaResponse(status, message.Headers, body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body), Now);
    }
}
