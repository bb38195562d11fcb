using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Maestro.Emulator;

namespace Maestro.Tests.Emulator;

public sealed class AuthTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string AnthropicBody = """{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""";
    private const string OpenAIBody = """{"model":"gpt-5-mini","input":"hi"}""";
    private const string GeminiBody = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""";

    [Fact]
    public async Task Anthropic_requires_an_api_key()
    {
        var (status, body) = await SendAsync("/anthropic/v1/messages", AnthropicBody, r => r.Headers.Add("anthropic-version", "2023-06-01"));
        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.GetProperty("type").GetString().ShouldBe("error");
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("authentication_error");
        body.GetProperty("error").GetProperty("message").GetString().ShouldBe("x-api-key header is required");
    }

    [Fact]
    public async Task Anthropic_rejects_an_invalid_api_key()
    {
        var (status, body) = await SendAsync("/anthropic/v1/messages", AnthropicBody, r =>
        {
            r.Headers.Add("x-api-key", "invalid-key");
            r.Headers.Add("anthropic-version", "2023-06-01");
        });
        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.GetProperty("error").GetProperty("message").GetString().ShouldBe("invalid x-api-key");
        body.GetProperty("request_id").GetString().ShouldStartWith("req_");
    }

    [Fact]
    public async Task Anthropic_requires_the_version_header()
    {
        var (status, body) = await SendAsync("/anthropic/v1/messages", AnthropicBody, r => r.Headers.Add("x-api-key", "good-key"));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("invalid_request_error");
        body.GetProperty("error").GetProperty("message").GetString().ShouldBe("anthropic-version: header is required");
    }

    [Fact]
    public async Task Anthropic_accepts_an_oauth_bearer_only_with_the_oauth_beta()
    {
        var (withoutBeta, error) = await SendAsync("/anthropic/v1/messages", AnthropicBody, r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-ant-oat01-token");
            r.Headers.Add("anthropic-version", "2023-06-01");
        });
        withoutBeta.ShouldBe(HttpStatusCode.Unauthorized);
        error.GetProperty("error").GetProperty("type").GetString().ShouldBe("authentication_error");

        var (withBeta, answer) = await SendAsync("/anthropic/v1/messages", AnthropicBody, r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-ant-oat01-token");
            r.Headers.Add("anthropic-version", "2023-06-01");
            r.Headers.Add("anthropic-beta", "interleaved-thinking-2025-05-14,oauth-2025-04-20");
        });
        withBeta.ShouldBe(HttpStatusCode.OK);
        answer.GetProperty("type").GetString().ShouldBe("message");
        answer.GetProperty("model").GetString().ShouldBe("claude-haiku-4-5-20251001");
    }

    [Fact]
    public async Task Anthropic_requires_max_tokens_like_the_real_api()
    {
        var (status, body) = await SendAsync("/anthropic/v1/messages", """{"model":"claude-haiku-4-5","messages":[]}""", r =>
        {
            r.Headers.Add("x-api-key", "good-key");
            r.Headers.Add("anthropic-version", "2023-06-01");
        });
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetProperty("message").GetString().ShouldBe("max_tokens: Field required");
    }

    [Theory]
    [InlineData("/openai/v1/responses")]
    [InlineData("/openai/v1/chat/completions")]
    public async Task OpenAI_requires_a_bearer_key_and_rejects_invalid_ones(string path)
    {
        var body = path.EndsWith("responses", StringComparison.Ordinal) ? OpenAIBody : """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";
        var (missing, missingBody) = await SendAsync(path, body, _ => { });
        missing.ShouldBe(HttpStatusCode.Unauthorized);
        missingBody.GetProperty("error").GetProperty("type").GetString().ShouldBe("invalid_request_error");

        var (invalid, invalidBody) = await SendAsync(path, body, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "invalid-key"));
        invalid.ShouldBe(HttpStatusCode.Unauthorized);
        invalidBody.GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_api_key");
        invalidBody.GetProperty("error").GetProperty("message").GetString()!.ShouldStartWith("Incorrect API key provided: invalid-key.");

        var (ok, _) = await SendAsync(path, body, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test"));
        ok.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Gemini_without_credentials_is_permission_denied()
    {
        var (status, body) = await SendAsync("/gemini/v1beta/models/gemini-2.5-flash:generateContent", GeminiBody, _ => { });
        status.ShouldBe(HttpStatusCode.Forbidden);
        body.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(403);
        body.GetProperty("error").GetProperty("status").GetString().ShouldBe("PERMISSION_DENIED");
    }

    [Fact]
    public async Task Gemini_rejects_an_invalid_api_key_with_api_key_invalid()
    {
        var (status, body) = await SendAsync("/gemini/v1beta/models/gemini-2.5-flash:generateContent", GeminiBody, r => r.Headers.Add("x-goog-api-key", "invalid"));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetProperty("status").GetString().ShouldBe("INVALID_ARGUMENT");
        body.GetProperty("error").GetProperty("details")[0].GetProperty("reason").GetString().ShouldBe("API_KEY_INVALID");
    }

    [Fact]
    public async Task Gemini_accepts_a_query_key_and_an_oauth_bearer()
    {
        var (query, _) = await SendAsync("/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-test", GeminiBody, _ => { });
        query.ShouldBe(HttpStatusCode.OK);

        var (bearer, _) = await SendAsync("/gemini/v1beta/models/gemini-2.5-flash:generateContent", GeminiBody, r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "ya29.test-token"));
        bearer.ShouldBe(HttpStatusCode.OK);

        var (badBearer, body) = await SendAsync("/gemini/v1beta/models/gemini-2.5-flash:generateContent", GeminiBody, r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "invalid-token"));
        badBearer.ShouldBe(HttpStatusCode.Unauthorized);
        body.GetProperty("error").GetProperty("status").GetString().ShouldBe("UNAUTHENTICATED");
    }

    [Fact]
    public async Task Model_lists_check_credentials_too()
    {
        var (anthropic, _) = await SendAsync("/anthropic/v1/models", null, r => r.Headers.Add("anthropic-version", "2023-06-01"));
        anthropic.ShouldBe(HttpStatusCode.Unauthorized);
        var (openai, _) = await SendAsync("/openai/v1/models", null, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "invalid-1"));
        openai.ShouldBe(HttpStatusCode.Unauthorized);
        var (gemini, _) = await SendAsync("/gemini/v1beta/models", null, _ => { });
        gemini.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Configured_api_keys_are_the_only_ones_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKeys = new HashSet<string> { "the-one-key" } }, ct);
        using var http = new HttpClient();
        var api = Api.For(Api.OpenAIChat);

        using (var request = api.Request(server.BaseUrl, "some-other-key", api.DefaultModel, stream: false))
        using (var response = await http.SendAsync(request, ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var good = api.Request(server.BaseUrl, "the-one-key", api.DefaultModel, stream: false);
        using var ok = await http.SendAsync(good, ct);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(Api.AnthropicMessages, HttpStatusCode.NotFound, "not_found_error")]
    [InlineData(Api.OpenAIResponses, HttpStatusCode.BadRequest, "model_not_found")]
    [InlineData(Api.OpenAIChat, HttpStatusCode.NotFound, "model_not_found")]
    [InlineData(Api.GeminiGenerate, HttpStatusCode.NotFound, "NOT_FOUND")]
    public async Task Unknown_model_gets_the_providers_error_naming_it(string apiName, HttpStatusCode status, string code)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "no-such-model-9", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);

        response.StatusCode.ShouldBe(status);
        var text = await response.Content.ReadAsStringAsync(ct);
        text.ShouldContain("no-such-model-9");
        text.ShouldContain(code);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string path, string? body, Action<HttpRequestMessage> configure)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, new Uri(emulator.Server.BaseUrl, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        configure(request);
        using var response = await emulator.Http.SendAsync(request, ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return (response.StatusCode, json.RootElement.Clone());
    }
}
