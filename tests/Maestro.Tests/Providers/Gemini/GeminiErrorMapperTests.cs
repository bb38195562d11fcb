using System.Text;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Gemini;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.Gemini;

public sealed class GeminiErrorMapperTests
{
    private static readonly ProviderRequestContext Context = new("gemini", "gemini/work", "gemini-2.5-flash", new Uri("https://generativelanguage.googleapis.com"));
    private readonly GeminiErrorMapper _mapper = new();

    [Fact]
    public void Invalid_api_key_is_an_authentication_error_despite_the_400()
    {
        var error = Map(400, "errors/400-api-key-invalid.json");

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(400);
        error.Message.ShouldContain("gemini/work");
        error.ProviderMessage.ShouldBe("API key not valid. Please pass a valid API key.");
        error.ProviderErrorType.ShouldBe("API_KEY_INVALID");
        error.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public void Unknown_model_is_not_found_naming_the_model()
    {
        var context = Context with { Model = "gemini-3.6-flahs" };
        var error = _mapper.Map(404, RepoPaths.FixtureBytes("gemini/generate-content/errors/404-model-not-found.json"), null, context);

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'gemini-3.6-flahs'");
        error.ProviderMessage!.ShouldStartWith("models/gemini-3.6-flahs is not found for API version v1beta");
        error.ProviderErrorType.ShouldBe("NOT_FOUND");
    }

    [Fact]
    public void Per_minute_quota_is_a_rate_limit_with_the_retry_delay_from_the_body()
    {
        var error = Map(429, "errors/429-resource-exhausted.json");

        error.Kind.ShouldBe(ProviderErrorKind.RateLimited);
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(48));
        error.ProviderMessage!.ShouldContain("You exceeded your current quota");
        error.Message.ShouldContain("gemini/work");
        error.Message.ShouldContain("retry after 48 s");
        error.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public void A_retry_after_header_wins_over_the_body()
    {
        var error = _mapper.Map(429, RepoPaths.FixtureBytes("gemini/generate-content/errors/429-resource-exhausted.json"), TimeSpan.FromSeconds(3), Context);

        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "250")]
    [InlineData("GenerateContentInputTokensPerModelPerMinute-FreeTier", "0")]
    public void Daily_or_zero_quota_is_quota_exceeded(string quotaId, string quotaValue)
    {
        var body = $$$"""
            {"error": {"code": 429, "message": "You exceeded your current quota, please check your plan and billing details.", "status": "RESOURCE_EXHAUSTED",
              "details": [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": "{{{quotaId}}}", "quotaValue": "{{{quotaValue}}}"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12.5s"}]}}
            """;

        var error = _mapper.Map(429, Encoding.UTF8.GetBytes(body), null, Context);

        error.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        error.IsTransient.ShouldBeFalse();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(12.5));
    }

    [Fact]
    public void Too_many_input_tokens_is_context_too_long()
    {
        var body = """{"error": {"code": 400, "message": "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", "status": "INVALID_ARGUMENT"}}""";

        var error = _mapper.Map(400, Encoding.UTF8.GetBytes(body), null, Context);

        error.Kind.ShouldBe(ProviderErrorKind.ContextTooLong);
        error.Message.ShouldContain("gemini-2.5-flash");
        error.ProviderMessage!.ShouldContain("exceeds the maximum number of tokens");
    }

    [Theory]
    [InlineData(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", ProviderErrorKind.Overloaded)]
    [InlineData(500, "INTERNAL", "An internal error has occurred.", ProviderErrorKind.Server)]
    [InlineData(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", ProviderErrorKind.Server)]
    [InlineData(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", ProviderErrorKind.Authentication)]
    [InlineData(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.", ProviderErrorKind.Authentication)]
    [InlineData(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"foo\".", ProviderErrorKind.InvalidRequest)]
    [InlineData(400, "FAILED_PRECONDITION", "User location is not supported for the API use.", ProviderErrorKind.InvalidRequest)]
    [InlineData(400, "FAILED_PRECONDITION", "Gemini API free tier is not available in your country. Please enable billing on your project in Google AI Studio.", ProviderErrorKind.QuotaExceeded)]
    public void Status_and_body_map_to_a_kind(int status, string googleStatus, string message, ProviderErrorKind expected)
    {
        var body = $$$"""{"error": {"code": {{{status}}}, "message": "{{{message.Replace("\"", "\\\"", StringComparison.Ordinal)}}}", "status": "{{{googleStatus}}}"}}""";

        var error = _mapper.Map(status, Encoding.UTF8.GetBytes(body), null, Context);

        error.Kind.ShouldBe(expected);
        error.ProviderMessage.ShouldBe(message);
        error.StatusCode.ShouldBe(status);
    }

    [Fact]
    public void An_error_inside_a_stream_is_classified_from_its_own_code()
    {
        var error = _mapper.Map(null, """{"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}"""u8, null, Context);

        error.Kind.ShouldBe(ProviderErrorKind.Overloaded);
    }

    [Fact]
    public void An_array_wrapped_status_and_a_non_json_body_are_understood()
    {
        _mapper.Map(404, """[{"error": {"code": 404, "message": "nope", "status": "NOT_FOUND"}}]"""u8, null, Context).ProviderMessage.ShouldBe("nope");

        var html = _mapper.Map(502, "<html>Bad Gateway</html>"u8, null, Context);
        html.Kind.ShouldBe(ProviderErrorKind.Server);
        html.ProviderMessage.ShouldBe("<html>Bad Gateway</html>");
    }

    private ProviderException Map(int status, string fixture) =>
        _mapper.Map(status, RepoPaths.FixtureBytes("gemini/generate-content/" + fixture), null, Context);
}
