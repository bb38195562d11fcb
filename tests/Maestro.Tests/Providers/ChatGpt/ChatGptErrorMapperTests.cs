using System.Text;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI.ChatGpt;

namespace Maestro.Tests.Providers.ChatGpt;

/// <summary>The ChatGPT backend's own errors, classified so the user knows whether waiting helps.</summary>
public sealed class ChatGptErrorMapperTests
{
    private static readonly ProviderRequestContext Context = new("openai", "openai/plus", "gpt-5.2-codex", new Uri("https://chatgpt.com/backend-api/codex"));

    private readonly FixedTime _time = new(DateTimeOffset.Parse("2026-01-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Usage_limit_is_a_quota_error_with_the_reset_time_and_is_not_retried()
    {
        var resetsAt = _time.GetUtcNow().AddHours(2).AddMinutes(5).ToUnixTimeSeconds();
        var body = $$$"""{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_at":{{{resetsAt}}}}}""";

        var error = Map(429, body);

        error.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("openai/plus");
        error.Message.ShouldContain("(plus plan)");
        error.Message.ShouldContain("resets in 2 h 5 min");
        error.ProviderErrorType.ShouldBe("usage_limit_reached");
    }

    [Fact]
    public void Usage_limit_with_seconds_until_reset()
    {
        var error = Map(429, """{"error":{"type":"usage_limit_reached","resets_in_seconds":90}}""");

        error.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        error.Message.ShouldContain("resets in 2 min");
    }

    [Fact]
    public void A_plan_without_codex_says_so()
    {
        var error = Map(429, """{"error":{"type":"usage_not_included","message":"Your plan does not include Codex."}}""");

        error.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        error.ProviderMessage.ShouldBe("Your plan does not include Codex.");
        error.Hint.ShouldNotBeNull().ShouldContain("API key");
    }

    [Fact]
    public void An_html_refusal_is_summarized_and_explained()
    {
        var error = Map(403, "<html><head><title>Just a moment...</title></head><body>blocked</body></html>");

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.Message.ShouldNotContain("<html>");
        error.Message.ShouldContain("HTML page");
        error.Hint.ShouldNotBeNull().ShouldContain("does not disguise itself");
    }

    [Fact]
    public void Refused_instructions_are_explained()
    {
        var error = Map(400, """{"detail":"Instructions are not valid"}""");

        error.Kind.ShouldBe(ProviderErrorKind.InvalidRequest);
        error.ProviderMessage.ShouldBe("Instructions are not valid");
        error.Hint.ShouldNotBeNull().ShouldContain("system prompt");
    }

    [Fact]
    public void An_unsupported_parameter_is_an_invalid_request_in_the_backends_words()
    {
        var error = Map(400, """{"detail":"Unsupported parameter: max_output_tokens"}""");

        error.Kind.ShouldBe(ProviderErrorKind.InvalidRequest);
        error.Message.ShouldContain("Unsupported parameter: max_output_tokens");
    }

    private ProviderException Map(int status, string body) =>
        new ChatGptErrorMapper(_time).Map(status, Encoding.UTF8.GetBytes(body), null, Context);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
