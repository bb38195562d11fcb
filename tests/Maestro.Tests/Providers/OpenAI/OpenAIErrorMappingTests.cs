using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>Recorded OpenAI error bodies (and the looser shapes of compatible servers) map to the right kinds.</summary>
public sealed class OpenAIErrorMappingTests
{
    private static readonly ProviderRequestContext Context = new("openai", "openai/work", "gpt-5.2-proo", new Uri("https://api.openai.com"));

    [Fact]
    public void Unknown_model_on_responses_is_not_found_naming_the_model()
    {
        var error = Map(400, "openai/responses/errors/400-model-not-found.json");

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'gpt-5.2-proo'");
        error.ProviderMessage.ShouldBe("The requested model 'gpt-5.2-proo' does not exist.");
        error.ProviderErrorType.ShouldBe("model_not_found");
        error.StatusCode.ShouldBe(400);
    }

    [Fact]
    public void Unknown_model_on_chat_completions_is_not_found()
    {
        var error = Map(404, "openai/chat-completions/errors/404-model-not-found.json");

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'gpt-5.2-proo'");
        error.ProviderMessage!.ShouldContain("does not exist or you do not have access to it");
    }

    [Fact]
    public void Invalid_key_is_authentication_naming_the_auth()
    {
        var error = Map(401, "openai/responses/errors/401-invalid-api-key.json");

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.Message.ShouldContain("openai/work");
        error.ProviderMessage!.ShouldStartWith("Incorrect API key provided");
        error.ProviderErrorType.ShouldBe("invalid_api_key");
        error.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public void Context_length_exceeded_is_context_too_long()
    {
        var error = Map(400, "openai/responses/errors/400-context-length-exceeded.json");

        error.Kind.ShouldBe(ProviderErrorKind.ContextTooLong);
        error.Message.ShouldContain("too long");
        error.ProviderMessage!.ShouldContain("exceeds the context window");
    }

    [Fact]
    public void Unsupported_value_is_invalid_request_with_the_provider_message()
    {
        var error = Map(400, "openai/chat-completions/errors/400-unsupported-value.json");

        error.Kind.ShouldBe(ProviderErrorKind.InvalidRequest);
        error.Message.ShouldContain("does not support 'developer'");
    }

    [Fact]
    public void Quota_429_is_quota_exceeded_and_other_429_is_rate_limited_with_retry_after()
    {
        var quota = OpenAIErrorMapper.Instance.Map(429,
            """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"""u8,
            TimeSpan.FromSeconds(3), Context);
        quota.Kind.ShouldBe(ProviderErrorKind.QuotaExceeded);
        quota.IsTransient.ShouldBeFalse();
        quota.Message.ShouldContain("openai/work");

        var limited = OpenAIErrorMapper.Instance.Map(429,
            """{"error":{"message":"Rate limit reached for gpt-4o on tokens per min (TPM).","type":"tokens","param":null,"code":"rate_limit_exceeded"}}"""u8,
            TimeSpan.FromSeconds(3), Context);
        limited.Kind.ShouldBe(ProviderErrorKind.RateLimited);
        limited.RetryAfter.ShouldBe(TimeSpan.FromSeconds(3));
        limited.Message.ShouldContain("retry after 3 s");
    }

    [Theory]
    [InlineData(500, ProviderErrorKind.Server)]
    [InlineData(502, ProviderErrorKind.Server)]
    [InlineData(503, ProviderErrorKind.Overloaded)]
    [InlineData(529, ProviderErrorKind.Overloaded)]
    [InlineData(403, ProviderErrorKind.Authentication)]
    [InlineData(404, ProviderErrorKind.NotFound)]
    public void Status_decides_when_the_body_says_nothing_more(int status, ProviderErrorKind kind) =>
        OpenAIErrorMapper.Instance.Map(status, """{"error":{"message":"boom","type":"server_error"}}"""u8, null, Context).Kind.ShouldBe(kind);

    [Fact]
    public void Compatible_server_shapes_keep_their_message()
    {
        // Ollama: {"error":"…"}; vLLM: top-level message; FastAPI: detail; plain text.
        OpenAIErrorMapper.Instance.Map(404, """{"error":"model 'llama9' not found, try pulling it first"}"""u8, null, Context)
            .ProviderMessage.ShouldBe("model 'llama9' not found, try pulling it first");
        var vllm = OpenAIErrorMapper.Instance.Map(400,
            """{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","code":400}"""u8,
            null, Context);
        vllm.Kind.ShouldBe(ProviderErrorKind.ContextTooLong);
        vllm.ProviderMessage!.ShouldStartWith("This model's maximum context length");
        OpenAIErrorMapper.Instance.Map(422, """{"detail":"Invalid body"}"""u8, null, Context).ProviderMessage.ShouldBe("Invalid body");
        OpenAIErrorMapper.Instance.Map(502, "Bad Gateway"u8, null, Context).ProviderMessage.ShouldBe("Bad Gateway");
    }

    [Theory]
    [InlineData("insufficient_quota", ProviderErrorKind.QuotaExceeded)]
    [InlineData("rate_limit_exceeded", ProviderErrorKind.RateLimited)]
    [InlineData("server_error", ProviderErrorKind.Server)]
    [InlineData("context_length_exceeded", ProviderErrorKind.ContextTooLong)]
    [InlineData("invalid_prompt", ProviderErrorKind.InvalidRequest)]
    public void In_stream_errors_are_classified_by_code(string code, ProviderErrorKind kind)
    {
        var nested = OpenAIErrorMapper.Instance.Map(null, System.Text.Encoding.UTF8.GetBytes($$$"""{"type":"error","error":{"code":"{{{code}}}","message":"m"}}"""), null, Context);
        var flat = OpenAIErrorMapper.Instance.Map(null, System.Text.Encoding.UTF8.GetBytes($$"""{"type":"error","code":"{{code}}","message":"m","param":null}"""), null, Context);

        nested.Kind.ShouldBe(kind);
        flat.Kind.ShouldBe(kind);
        nested.StatusCode.ShouldBeNull();
    }

    private static ProviderException Map(int status, string fixture) =>
        OpenAIErrorMapper.Instance.Map(status, RepoPaths.FixtureBytes(fixture), null, Context);
}
