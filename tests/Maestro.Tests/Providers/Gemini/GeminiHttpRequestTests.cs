using System.Net;
using System.Text;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Providers.Gemini;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>What goes on the wire: URLs under the base, credentials in headers (never the URL), pagination.</summary>
public sealed class GeminiHttpRequestTests
{
    private static readonly Uri Base = new("http://127.0.0.1:9/gemini");

    [Fact]
    public async Task Streaming_posts_to_stream_generate_content_with_the_key_in_a_header()
    {
        var handler = new RecordingHandler(_ => Sse(RepoPaths.FixtureBytes("gemini/generate-content/text.sse")));
        var client = Client(TestConnections.Create("gemini", Base, new AuthCredentials { ApiKey = "AIza-test" }, handler: handler));

        var updates = await ReadAll(client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.0-flash" }, TestContext.Current.CancellationToken));

        GeminiStreamHarness.Text(updates).ShouldBe("The capital of France is Paris.\n");
        var request = handler.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Url.ShouldBe("http://127.0.0.1:9/gemini/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
        request.Headers["x-goog-api-key"].ShouldBe("AIza-test");
        request.Headers.ShouldNotContainKey("Authorization");
        request.Url.ShouldNotContain("AIza");
        request.Headers["Accept"].ShouldBe("text/event-stream");
        request.ContentType.ShouldBe("application/json; charset=utf-8");
        request.Body.ShouldContain("\"contents\"");
    }

    [Fact]
    public async Task Non_streaming_posts_to_generate_content()
    {
        var body = """{"candidates": [{"content": {"parts": [{"text": "Hello"}], "role": "model"}, "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}, "responseId": "r1"}""";
        var handler = new RecordingHandler(_ => Json(body));
        var client = Client(TestConnections.Create("gemini", new Uri("https://example.test/v1beta/"), new AuthCredentials { ApiKey = "k" }, handler: handler));

        var response = await client.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "models/gemini-2.5-flash" }, TestContext.Current.CancellationToken);

        response.Text.ShouldBe("Hello");
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.Usage!.TotalTokenCount.ShouldBe(2);
        // A base that already names the API version is used as it is.
        handler.Requests.Single().Url.ShouldBe("https://example.test/v1beta/models/gemini-2.5-flash:generateContent");
    }

    [Fact]
    public async Task OAuth_sends_a_bearer_token_and_the_user_project()
    {
        var handler = new RecordingHandler(_ => Sse(RepoPaths.FixtureBytes("gemini/generate-content/text.sse")));
        var credentials = new AuthCredentials { AccessToken = "ya29.token", ApiKey = "unused" };
        var fromMetadata = TestConnections.Create("gemini", Base, credentials, handler: handler, type: AuthType.OAuth,
            metadata: new Dictionary<string, string> { ["project_id"] = "meta-project" });

        await ReadAll(Client(fromMetadata).GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, TestContext.Current.CancellationToken));
        await ReadAll(Client(fromMetadata, new GeminiOptions { BaseUrl = Base, UserProject = "env-project" })
            .GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, TestContext.Current.CancellationToken));

        handler.Requests[0].Headers["Authorization"].ShouldBe("Bearer ya29.token");
        handler.Requests[0].Headers["x-goog-user-project"].ShouldBe("meta-project");
        handler.Requests[0].Headers.ShouldNotContainKey("x-goog-api-key");
        handler.Requests[1].Headers["x-goog-user-project"].ShouldBe("env-project");
    }

    [Fact]
    public async Task OAuth_without_a_project_sends_no_project_header()
    {
        var handler = new RecordingHandler(_ => Sse(RepoPaths.FixtureBytes("gemini/generate-content/text.sse")));
        var connection = TestConnections.Create("gemini", Base, new AuthCredentials { AccessToken = "ya29.token" }, handler: handler, type: AuthType.OAuth);

        await ReadAll(Client(connection).GetStreamingResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, TestContext.Current.CancellationToken));

        handler.Requests.Single().Headers.ShouldNotContainKey("x-goog-user-project");
    }

    [Fact]
    public async Task Validation_errors_are_thrown_before_any_request()
    {
        var handler = new RecordingHandler(_ => throw new InvalidOperationException("must not be called"));
        var client = Client(TestConnections.Create("gemini", Base, new AuthCredentials { ApiKey = "k" }, handler: handler));

        await Should.ThrowAsync<Maestro.Core.Errors.ValidationFailedException>(() =>
            ReadAll(client.GetStreamingResponseAsync([], new ChatOptions { ModelId = "gemini-2.5-flash" }, TestContext.Current.CancellationToken)));
        await Should.ThrowAsync<Maestro.Core.Errors.ValidationFailedException>(() =>
            client.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions(), TestContext.Current.CancellationToken));

        handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Model_listing_follows_page_tokens_to_the_end()
    {
        var handler = new RecordingHandler(request => request.RequestUri!.Query.Contains("pageToken=next%2F1", StringComparison.Ordinal)
            ? Json("""{"models": [{"name": "models/gemini-3-pro-preview", "displayName": "Gemini 3 Pro Preview", "inputTokenLimit": 1048576, "outputTokenLimit": 65536, "supportedGenerationMethods": ["generateContent"], "thinking": true}]}""")
            : Json("""{"models": [{"name": "models/gemini-2.5-flash", "supportedGenerationMethods": ["generateContent", "countTokens"]}, {"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]}], "nextPageToken": "next/1"}"""));
        var provider = new GeminiProvider(new GeminiOptions { BaseUrl = Base, ModelsPageSize = 2 });
        var connection = TestConnections.Create("gemini", Base, new AuthCredentials { ApiKey = "k" }, handler: handler);

        var models = await provider.ListModelsAsync(connection, TestContext.Current.CancellationToken);

        models.Select(m => m.Id).ShouldBe(["gemini-2.5-flash", "gemini-3-pro-preview"]);
        models[1].DisplayName.ShouldBe("Gemini 3 Pro Preview");
        handler.Requests.Select(r => r.Url).ShouldBe([
            "http://127.0.0.1:9/gemini/v1beta/models?pageSize=2",
            "http://127.0.0.1:9/gemini/v1beta/models?pageSize=2&pageToken=next%2F1",
        ]);
        handler.Requests.ShouldAllBe(r => r.Method == "GET" && r.Headers["x-goog-api-key"] == "k");
    }

    [Fact]
    public void The_descriptor_declares_what_gemini_can_do()
    {
        var descriptor = new GeminiProvider(new GeminiOptions()).Descriptor;

        descriptor.Id.ShouldBe("gemini");
        descriptor.DisplayName.ShouldBe("Google Gemini");
        descriptor.AuthTypes.ShouldBe([AuthType.ApiKey, AuthType.OAuth]);
        descriptor.Features.ShouldBe(["streaming", "tools", "images", "text_files", "reasoning", "reasoning_replay", "model_listing", "oauth"], ignoreOrder: true);
        descriptor.DefaultBaseUrl.ShouldBe(new Uri("https://generativelanguage.googleapis.com"));
        descriptor.DefaultModel.ShouldBe("gemini-2.5-flash");
    }

    private static GeminiChatClient Client(ProviderConnection connection, GeminiOptions? options = null) =>
        (GeminiChatClient)new GeminiProvider(options ?? new GeminiOptions { BaseUrl = Base }).CreateChatClient(connection);

    private static async Task<List<ChatResponseUpdate>> ReadAll(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    private static HttpResponseMessage Sse(byte[] body) => new(HttpStatusCode.OK)
    {
        Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "text/event-stream" } } },
    };

    private static HttpResponseMessage Json(string body) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    private sealed record Recorded(string Method, string Url, Dictionary<string, string> Headers, string? ContentType, string Body);

    private sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<Recorded> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new Recorded(request.Method.Method, request.RequestUri!.AbsoluteUri, headers, request.Content?.Headers.ContentType?.ToString(), body));
            return respond(request);
        }
    }
}
