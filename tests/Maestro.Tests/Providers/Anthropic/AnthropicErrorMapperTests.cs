using System.Text;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Anthropic;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.Anthropic;

public sealed class AnthropicErrorMapperTests
{
    private static readonly ProviderRequestContext Context =
        new("anthropic", "anthropic/work", "claude-sonet-4-5", new Uri("https://api.anthropic.com"));

    private static ProviderException Map(int? status, string body, TimeSpan? retryAfter = null) =>
        AnthropicErrorMapper.Instance.Map(status, Encoding.UTF8.GetBytes(body), retryAfter, Context);

    private static string Recorded(string name) => File.ReadAllText(RepoPaths.Fixture($"anthropic/messages/errors/{name}.json"));

    [Fact]
    public void Recorded_401_is_an_authentication_error_naming_the_auth()
    {
        var error = Map(401, Recorded("401-authentication-error"));
        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(401);
        error.Message.ShouldContain("anthropic/work");
        error.ProviderMessage.ShouldBe("invalid x-api-key");
        error.ProviderErrorType.ShouldBe("authentication_error");
        error.Hint.ShouldNotBeNull();
    }

    [Fact]
    public void Recorded_404_names_the_model()
    {
        var error = Map(404, Recorded("404-model-not-found"));
        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'claude-sonet-4-5'");
        error.ProviderMessage.ShouldBe("model: claude-sonet-4-5");
    }

    [Fact]
    public void Recorded_prompt_too_long_is_context_too_long()
    {
        var error = Map(400, Recorded("400-prompt-too-long"));
        error.Kind.ShouldBe(ProviderErrorKind.ContextTooLong);
        error.ProviderMessage.ShouldBe("prompt is too long: 3333404 tokens > 200000 maximum");
        error.Message.ShouldContain("claude-sonet-4-5");
    }

    [Fact]
    public void Recorded_invalid_request_keeps_the_provider_message()
    {
        var error = Map(400, Recorded("400-invalid-request-effort"));
        error.Kind.ShouldBe(ProviderErrorKind.InvalidRequest);
        error.ProviderMessage.ShouldBe("This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.");
        error.Message.ShouldContain("effort level 'xhigh'");
        error.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public void Overloaded_529_is_transient()
    {
        var error = Map(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        error.Kind.ShouldBe(ProviderErrorKind.Overloaded);
        error.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public void Rate_limit_keeps_retry_after()
    {
        var error = Map(429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""", TimeSpan.FromSeconds(7));
        error.Kind.ShouldBe(ProviderErrorKind.RateLimited);
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
        error.Message.ShouldContain("retry after 7 s");
    }

    [Theory]
    [InlineData(400, """{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}""")]
    [InlineData(402, """{"type":"error","error":{"type":"billing_error","message":"Payment required"}}""")]
    public void Billing_errors_are_quota_exceeded(int status, string body)
    {
        var error = Map(status, body);
        error.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("anthropic/work");
    }

    [Theory]
    [InlineData(403, """{"type":"error","error":{"type":"permission_error","message":"no access"}}""", ProviderErrorKind.Authentication)]
    [InlineData(500, """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}""", ProviderErrorKind.Server)]
    [InlineData(503, "<html>Service Unavailable</html>", ProviderErrorKind.Overloaded)]
    [InlineData(502, "", ProviderErrorKind.Server)]
    [InlineData(413, """{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}""", ProviderErrorKind.ContextTooLong)]
    [InlineData(400, """{"type":"error","error":{"type":"invalid_request_error","message":"input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000"}}""", ProviderErrorKind.ContextTooLong)]
    public void Status_and_type_decide_the_kind(int status, string body, ProviderErrorKind expected) =>
        Map(status, body).Kind.ShouldBe(expected);

    [Fact]
    public void In_stream_error_without_status_uses_the_error_type()
    {
        var error = Map(null, """{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}   }""");
        error.Kind.ShouldBe(ProviderErrorKind.Overloaded);
        error.StatusCode.ShouldBeNull();
        error.ProviderMessage.ShouldBe("Overloaded");
    }

    [Fact]
    public void A_non_json_body_is_kept_as_the_message()
    {
        var error = Map(502, "Bad gateway from proxy");
        error.ProviderMessage.ShouldBe("Bad gateway from proxy");
    }
}
