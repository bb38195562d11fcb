using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Providers.Anthropic;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>The chat client and model catalog over a stub HTTP handler: URLs, headers, non-streaming mapping, paging.</summary>
public sealed class AnthropicChatClientTests
{
    private static readonly Uri Base = new("http://127.0.0.1:9/anthropic");

    private static (AnthropicProvider Provider, ProviderConnection Connection) Connect(
        StubHandler handler, AuthType type = AuthType.ApiKey, AuthCredentials? credentials = null)
    {
        var connection = TestConnections.Create("anthropic", Base, credentials ?? new AuthCredentials { ApiKey = "sk-ant-test" },
            handler: handler, type: type);
        return (new AnthropicProvider(new AnthropicOptions { BaseUrl = Base }), connection);
    }

    [Fact]
    public async Task Api_key_requests_go_to_the_messages_path_under_the_base()
    {
        var handler = new StubHandler((_, _) => StubHandler.Sse(RepoPaths.FixtureBytes("anthropic/messages/text-basic.sse")));
        var (provider, connection) = Connect(handler);
        var updates = await provider.CreateChatClient(connection)
            .GetStreamingResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5" }, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        updates.ToChatResponse().Text.ShouldBe("- Captain\n- Scoop");
        var (request, body) = handler.Requests.Single();
        request.RequestUri!.ToString().ShouldBe("http://127.0.0.1:9/anthropic/v1/messages");
        request.Headers.GetValues("x-api-key").Single().ShouldBe("sk-ant-test");
        request.Headers.GetValues("anthropic-version").Single().ShouldBe("2023-06-01");
        request.Headers.Contains("anthropic-beta").ShouldBeFalse();
        request.Headers.Authorization.ShouldBeNull();
        JsonDocument.Parse(body!).RootElement.GetProperty("stream").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task OAuth_logins_send_a_bearer_token_and_the_documented_beta_flag_only()
    {
        var handler = new StubHandler((_, _) => StubHandler.Sse(RepoPaths.FixtureBytes("anthropic/messages/text-basic.sse")));
        var (provider, connection) = Connect(handler, AuthType.OAuth, new AuthCredentials { AccessToken = "oauth-access", RefreshToken = "r" });
        await provider.CreateChatClient(connection)
            .GetStreamingResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5" }, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var request = handler.Requests.Single().Request;
        request.Headers.Authorization!.Scheme.ShouldBe("Bearer");
        request.Headers.Authorization.Parameter.ShouldBe("oauth-access");
        request.Headers.GetValues("anthropic-beta").Single().ShouldBe("oauth-2025-04-20");
        request.Headers.Contains("x-api-key").ShouldBeFalse();
        request.Headers.UserAgent.ShouldBeEmpty();
        request.Headers.Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase)
            .ShouldBe(["Accept", "anthropic-beta", "anthropic-version", "Authorization"], ignoreOrder: true);
    }

    [Fact]
    public async Task Non_streaming_response_maps_to_one_message()
    {
        const string body = """
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[
               {"type":"thinking","thinking":"Hmm.","signature":"SIG"},
               {"type":"redacted_thinking","data":"RED"},
               {"type":"text","text":"Calling.","citations":[{"type":"char_location","cited_text":"x"}]},
               {"type":"tool_use","id":"toolu_9","name":"weather","input":{"city":"Oslo"}},
               {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":20,"output_tokens":5}}
            """;
        var handler = new StubHandler((_, _) => StubHandler.Json(body));
        var (provider, connection) = Connect(handler);
        var response = await provider.CreateChatClient(connection)
            .GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonnet-4-5" }, TestContext.Current.CancellationToken);

        JsonDocument.Parse(handler.Requests.Single().Body!).RootElement.TryGetProperty("stream", out _).ShouldBeFalse();
        response.ResponseId.ShouldBe("msg_1");
        response.ModelId.ShouldBe("claude-sonnet-4-5-20250929");
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        response.Text.ShouldBe("Calling.");
        var contents = response.Messages.Single().Contents;
        contents.OfType<TextReasoningContent>().Select(r => (r.Text, r.ProtectedData)).ShouldBe([("Hmm.", "SIG"), ("", "RED")]);
        contents.OfType<TextReasoningContent>().Last().AdditionalProperties!["redacted"].ShouldBe(true);
        var call = contents.OfType<FunctionCallContent>().Single();
        (call.CallId, call.Name, ((JsonElement)call.Arguments!["city"]!).GetString()).ShouldBe(("toolu_9", "weather", "Oslo"));
        response.Usage!.InputTokenCount.ShouldBe(130);
        response.Usage.CachedInputTokenCount.ShouldBe(100);
        response.Usage.AdditionalCounts!["cache_creation_input_tokens"].ShouldBe(20);
        response.Usage.OutputTokenCount.ShouldBe(5);
        response.AdditionalProperties!["server_tool_blocks"].ShouldBeOfType<List<JsonElement>>().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Validation_failures_make_no_request()
    {
        var handler = new StubHandler((_, _) => throw new InvalidOperationException("no request expected"));
        var (provider, connection) = Connect(handler);
        var client = provider.CreateChatClient(connection);
        await Should.ThrowAsync<ValidationFailedException>(() => client.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions(), TestContext.Current.CancellationToken));
        await Should.ThrowAsync<ValidationFailedException>(async () =>
            await client.GetStreamingResponseAsync([], new ChatOptions { ModelId = "claude-sonnet-4-5" }, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken));
        handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Http_errors_are_thrown_typed()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(
            File.ReadAllText(RepoPaths.Fixture("anthropic/messages/errors/404-model-not-found.json")), System.Net.HttpStatusCode.NotFound));
        var (provider, connection) = Connect(handler);
        var error = await Should.ThrowAsync<ProviderException>(() => provider.CreateChatClient(connection)
            .GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-sonet-4-5" }, TestContext.Current.CancellationToken));
        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("claude-sonet-4-5");
        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Model_listing_follows_pagination_to_the_end()
    {
        var handler = new StubHandler((request, n) => StubHandler.Json(request.RequestUri!.Query switch
        {
            "?limit=1000" => """
                {"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"},
                         {"type":"model","id":"claude-opus-4-1-20250805","display_name":"Claude Opus 4.1","created_at":"2025-08-05T00:00:00Z"}],
                 "has_more":true,"first_id":"claude-sonnet-4-5-20250929","last_id":"claude-opus-4-1-20250805"}
                """,
            "?limit=1000&after_id=claude-opus-4-1-20250805" => """
                {"data":[{"type":"model","id":"claude-3-haiku-20240307","display_name":"Claude Haiku 3","created_at":"2024-03-07T00:00:00Z"}],
                 "has_more":false,"first_id":"claude-3-haiku-20240307","last_id":"claude-3-haiku-20240307"}
                """,
            var other => throw new InvalidOperationException("unexpected query " + other),
        }));
        var (provider, connection) = Connect(handler);
        var models = await provider.ListModelsAsync(connection, TestContext.Current.CancellationToken);

        models.Select(m => m.Id).ShouldBe(["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-3-haiku-20240307"]);
        models[0].DisplayName.ShouldBe("Claude Sonnet 4.5");
        models[0].CreatedAt.ShouldBe(new DateTimeOffset(2025, 9, 29, 0, 0, 0, TimeSpan.Zero));
        (models[0].ContextWindow, models[0].MaxOutputTokens).ShouldBe((200_000, 64_000));
        models[1].MaxOutputTokens.ShouldBe(32_000);
        models[2].MaxOutputTokens.ShouldBe(4096);
        handler.Requests.Select(r => r.Request.RequestUri!.AbsolutePath).ShouldAllBe(p => p == "/anthropic/v1/models");
        handler.Requests[0].Request.Headers.GetValues("x-api-key").Single().ShouldBe("sk-ant-test");
    }

    [Fact]
    public void Descriptor_says_what_the_provider_does()
    {
        var descriptor = new AnthropicProvider(new AnthropicOptions()).Descriptor;
        descriptor.Id.ShouldBe("anthropic");
        descriptor.DisplayName.ShouldBe("Anthropic");
        descriptor.AuthTypes.ShouldBe([AuthType.ApiKey, AuthType.OAuth]);
        descriptor.Features.ShouldBe(
            ["streaming", "tools", "images", "text_files", "reasoning", "reasoning_replay", "model_listing", "oauth"], ignoreOrder: true);
        descriptor.DefaultBaseUrl.ShouldBe(new Uri("https://api.anthropic.com"));
    }

    [Fact]
    public void Options_come_from_environment_variable_names()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ANTHROPIC_API_BASE_URL"] = "http://127.0.0.1:5000/anthropic" })
            .Build();
        AnthropicOptions.From(configuration).BaseUrl.ShouldBe(new Uri("http://127.0.0.1:5000/anthropic"));
        AnthropicOptions.From(configuration).ApiVersion.ShouldBe("2023-06-01");
        AnthropicHttpRequests.Url(new Uri("http://h:1/anthropic/"), "/v1/models").ToString().ShouldBe("http://h:1/anthropic/v1/models");
        AnthropicHttpRequests.Url(new Uri("https://api.anthropic.com"), "/v1/messages").ToString().ShouldBe("https://api.anthropic.com/v1/messages");
    }
}
