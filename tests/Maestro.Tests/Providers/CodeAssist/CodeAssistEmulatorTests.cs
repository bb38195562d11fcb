using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Emulator;
using Maestro.Providers.Gemini;
using Maestro.Providers.Gemini.CodeAssist;
using Maestro.Tests.Emulator;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Providers.Gemini;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.CodeAssist;

/// <summary>Code Assist logins through the Gemini provider, over real HTTP against the emulated Code Assist server.</summary>
public sealed class CodeAssistEmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string Model = "gemini-2.5-flash";
    private const string Project = "proj-known-123";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Uri ApiUrl => emulator.Server.ProviderUrl(EmulatorProviders.Gemini);

    private Uri CodeAssistUrl => emulator.Server.ProviderUrl(EmulatorProviders.CodeAssist);

    [Fact]
    public async Task Streams_inside_the_code_assist_envelope()
    {
        var token = EmulatorFixture.NewKey("ya29");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse
        {
            Text = "Hello from Code Assist.",
            Usage = new ScriptedUsage { InputTokens = 9, OutputTokens = 5 },
        });

        var updates = await StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, token, Project), [new(ChatRole.User, "Hello")],
            new ChatOptions { ModelId = Model });

        GeminiStreamHarness.Errors(updates).ShouldBeEmpty();
        GeminiStreamHarness.Text(updates).ShouldBe("Hello from Code Assist.");
        var usage = GeminiStreamHarness.Usages(updates).Single().Details;
        usage.InputTokenCount.ShouldBe(9);
        usage.OutputTokenCount.ShouldBe(5);
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.Stop);
        updates[0].ResponseId.ShouldNotBeNullOrEmpty("the traceId stands in for the response id");
        updates[0].ModelId.ShouldBe(Model);

        var sent = emulator.Server.Control.Requests(token).Single();
        sent.Path.ShouldBe("/codeassist/v1internal:streamGenerateContent?alt=sse");
        sent.Headers["authorization"].ShouldBe("Bearer [redacted]");
        sent.Headers.Keys.ShouldNotContain("x-goog-user-project");
        sent.Headers.Keys.ShouldNotContain("x-goog-api-key");
        var body = sent.Json!.Value;
        body.GetProperty("model").GetString().ShouldBe(Model);
        body.GetProperty("project").GetString().ShouldBe(Project);
        body.GetProperty("request").GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString().ShouldBe("Hello");
        body.GetProperty("request").GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32().ShouldBe(65536);
    }

    [Fact]
    public async Task Non_streaming_unwraps_the_response()
    {
        var token = EmulatorFixture.NewKey("ya29");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse
        {
            Reasoning = "Let me see.",
            Text = "Just this.",
            Usage = new ScriptedUsage { InputTokens = 3, OutputTokens = 6, ReasoningTokens = 2 },
        });

        var response = await Provider().CreateChatClient(CodeAssistConnections.Create(ApiUrl, token, Project))
            .GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { ModelId = "models/" + Model }, Token);

        response.Text.ShouldBe("Just this.");
        response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().ShouldContain(r => r.Text == "Let me see.");
        response.Usage!.InputTokenCount.ShouldBe(3);
        response.Usage.OutputTokenCount.ShouldBe(6);
        response.Usage.ReasoningTokenCount.ShouldBe(2);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.ResponseId.ShouldNotBeNullOrEmpty();
        var sent = emulator.Server.Control.Requests(token).Single();
        sent.Path.ShouldBe("/codeassist/v1internal:generateContent");
        sent.Json!.Value.GetProperty("model").GetString().ShouldBe(Model, "Code Assist takes bare model ids");
    }

    [Fact]
    public async Task First_use_onboards_a_free_tier_login_once_and_uses_its_project()
    {
        var token = EmulatorFixture.NewKey("ya29");
        var client = Provider().CreateChatClient(CodeAssistConnections.Create(ApiUrl, token));

        await StreamAsync(client, [new(ChatRole.User, "One")], new ChatOptions { ModelId = Model });
        await StreamAsync(client, [new(ChatRole.User, "Two")], new ChatOptions { ModelId = Model });

        var requests = emulator.Server.Control.Requests(token);
        requests.Select(r => r.Method + " " + r.Path.Replace(OperationId(requests), "{op}", StringComparison.Ordinal)).ShouldBe(
        [
            "POST /codeassist/v1internal:loadCodeAssist",
            "POST /codeassist/v1internal:onboardUser",
            "GET /codeassist/v1internal/{op}",
            "GET /codeassist/v1internal/{op}",
            "POST /codeassist/v1internal:streamGenerateContent?alt=sse",
            "POST /codeassist/v1internal:streamGenerateContent?alt=sse",
        ]);
        var load = requests[0].Json!.Value;
        load.TryGetProperty("cloudaicompanionProject", out _).ShouldBeFalse();
        var metadata = load.GetProperty("metadata");
        metadata.GetProperty("ideType").GetString().ShouldBe("IDE_UNSPECIFIED");
        metadata.GetProperty("platform").GetString().ShouldBe("PLATFORM_UNSPECIFIED");
        metadata.GetProperty("pluginType").GetString().ShouldBe("GEMINI");
        var onboard = requests[1].Json!.Value;
        onboard.GetProperty("tierId").GetString().ShouldBe("free-tier");
        onboard.TryGetProperty("cloudaicompanionProject", out _).ShouldBeFalse("the free tier works in a project Google manages");
        var project = requests[4].Json!.Value.GetProperty("project").GetString();
        project.ShouldNotBeNull().ShouldStartWith("emulated-");
        requests[5].Json!.Value.GetProperty("project").GetString().ShouldBe(project);
    }

    [Fact]
    public async Task Another_chat_client_for_the_same_login_reuses_the_project()
    {
        var token = EmulatorFixture.NewKey("ya29");
        var provider = Provider();
        var connection = CodeAssistConnections.Create(ApiUrl, token);

        await StreamAsync(provider, connection, [new(ChatRole.User, "One")], new ChatOptions { ModelId = Model });
        await StreamAsync(provider, connection, [new(ChatRole.User, "Two")], new ChatOptions { ModelId = Model });
        await provider.ListModelsAsync(connection, Token);

        var requests = emulator.Server.Control.Requests(token);
        requests.Count(r => r.Path.EndsWith(":loadCodeAssist", StringComparison.Ordinal)).ShouldBe(1);
        requests.Count(r => r.Path.EndsWith(":onboardUser", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_failed_setup_is_tried_again_at_the_next_use()
    {
        var token = EmulatorFixture.NewKey("standard");
        var provider = Provider();
        var connection = CodeAssistConnections.Create(ApiUrl, token);

        await Should.ThrowAsync<ProviderException>(() => StreamAsync(provider, connection, [new(ChatRole.User, "One")], new ChatOptions { ModelId = Model }));
        await Should.ThrowAsync<ProviderException>(() => StreamAsync(provider, connection, [new(ChatRole.User, "Two")], new ChatOptions { ModelId = Model }));

        emulator.Server.Control.Requests(token).Count(r => r.Path.EndsWith(":loadCodeAssist", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task A_licensed_login_is_onboarded_into_the_configured_project()
    {
        var token = EmulatorFixture.NewKey("standard");
        var provider = Provider(userProject: "my-gca-project");

        await StreamAsync(provider, CodeAssistConnections.Create(ApiUrl, token), [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model });

        var requests = emulator.Server.Control.Requests(token);
        requests[0].Json!.Value.GetProperty("cloudaicompanionProject").GetString().ShouldBe("my-gca-project");
        requests[0].Json!.Value.GetProperty("metadata").GetProperty("duetProject").GetString().ShouldBe("my-gca-project");
        requests[1].Json!.Value.GetProperty("tierId").GetString().ShouldBe("standard-tier");
        requests[1].Json!.Value.GetProperty("cloudaicompanionProject").GetString().ShouldBe("my-gca-project");
        requests[^1].Json!.Value.GetProperty("project").GetString().ShouldBe("my-gca-project");
    }

    [Fact]
    public async Task A_licensed_login_without_a_project_is_told_to_configure_one()
    {
        var token = EmulatorFixture.NewKey("standard");

        var error = await Should.ThrowAsync<ProviderException>(() =>
            StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, token), [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }));

        error.Kind.ShouldBe(ProviderErrorKind.InvalidRequest);
        error.Message.ShouldContain("gemini/test");
        error.Message.ShouldContain("Gemini Code Assist");
        error.Hint.ShouldNotBeNull().ShouldContain("GEMINI_USER_PROJECT");
        emulator.Server.Control.Requests(token).Select(r => r.Path).ShouldBe(["/codeassist/v1internal:loadCodeAssist"]);
    }

    [Fact]
    public async Task An_account_google_wants_verified_is_sent_to_the_verification_page()
    {
        var token = EmulatorFixture.NewKey("verify");

        var error = await Should.ThrowAsync<ProviderException>(() =>
            StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, token), [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }));

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.Message.ShouldContain("Verify your account to continue.");
        error.Hint.ShouldNotBeNull().ShouldContain("https://accounts.google.com/signin/continue?emulated=1");
        emulator.Server.Control.Requests(token).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Tool_call_round_trip()
    {
        var token = EmulatorFixture.NewKey("ya29");
        emulator.Server.Control.Enqueue(token,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("get_weather", """{"city":"Paris"}""")),
            ScriptedResponse.FromText("Sunny in Paris."));
        var tool = AIFunctionFactory.CreateDeclaration("get_weather", "Weather for a city.",
            JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);
        var options = new ChatOptions { ModelId = Model, Tools = [tool] };
        var client = Provider().CreateChatClient(CodeAssistConnections.Create(ApiUrl, token, Project));
        List<ChatMessage> history = [new(ChatRole.User, "Weather in Paris?")];

        var first = await StreamAsync(client, history, options);
        var call = first.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        call.Name.ShouldBe("get_weather");
        call.Arguments!["city"]!.ToString().ShouldBe("Paris");
        call.CallId.ShouldStartWith("call_" + first[0].ResponseId);
        first[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")]));

        GeminiStreamHarness.Text(await StreamAsync(client, history, options)).ShouldBe("Sunny in Paris.");

        var requests = emulator.Server.Control.Requests(token);
        requests[0].Json!.Value.GetProperty("request").GetProperty("tools")[0].GetProperty("functionDeclarations")[0]
            .GetProperty("name").GetString().ShouldBe("get_weather");
        var contents = requests[1].Json!.Value.GetProperty("request").GetProperty("contents");
        contents[1].GetProperty("role").GetString().ShouldBe("model");
        contents[1].GetProperty("parts")[0].GetProperty("functionCall").GetProperty("name").GetString().ShouldBe("get_weather");
        var response = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        response.GetProperty("name").GetString().ShouldBe("get_weather");
        response.GetProperty("response").GetProperty("output").GetString().ShouldBe("sunny");
    }

    [Fact]
    public async Task Lists_the_models_the_accounts_quota_names()
    {
        var token = EmulatorFixture.NewKey("ya29");

        var models = await Provider().ListModelsAsync(CodeAssistConnections.Create(ApiUrl, token, Project), Token);

        models.Select(m => m.Id).ShouldBe(["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-lite", "gemini-3-pro-preview"]);
        var pro = models.Single(m => m.Id == "gemini-2.5-pro");
        pro.ContextWindow.ShouldBe(1_048_576);
        pro.MaxOutputTokens.ShouldBe(65_536);
        pro.Capabilities.ShouldNotBeNull().ShouldContain("thinking");
        models.Single(m => m.Id == "gemini-2.0-flash").Capabilities.ShouldNotBeNull().ShouldNotContain("thinking");
        var sent = emulator.Server.Control.Requests(token).Single();
        sent.Path.ShouldBe("/codeassist/v1internal:retrieveUserQuota");
        sent.Json!.Value.GetProperty("project").GetString().ShouldBe(Project);
    }

    [Fact]
    public async Task An_oauth_login_in_api_mode_still_uses_the_gemini_api()
    {
        var token = EmulatorFixture.NewKey("ya29");
        var connection = TestConnections.Create("gemini", ApiUrl, new Maestro.Core.Auths.AuthCredentials { AccessToken = token },
            type: Maestro.Core.Auths.AuthType.OAuth,
            metadata: new Dictionary<string, string> { [Maestro.Core.Auths.AuthMetadata.Mode] = "api" });

        await StreamAsync(Provider(), connection, [new(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model });

        emulator.Server.Control.Requests(token).Single().Path.ShouldBe($"/gemini/v1beta/models/{Model}:streamGenerateContent?alt=sse");
    }

    [Fact]
    public async Task An_unknown_model_is_not_found_naming_it()
    {
        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(Provider(),
            CodeAssistConnections.Create(ApiUrl, EmulatorFixture.NewKey("ya29"), Project), [new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gemini-9-ultra" }));

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
        error.Message.ShouldContain("'gemini-9-ultra'");
    }

    [Fact]
    public async Task Rate_limits_are_retried_then_succeed()
    {
        var token = EmulatorFixture.NewKey("ya29");
        emulator.Server.Control.Enqueue(token, ScriptedResponse.FromFault("429:1"), ScriptedResponse.FromText("After the wait."));

        var updates = await StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, token, Project), [new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = Model });

        GeminiStreamHarness.Text(updates).ShouldBe("After the wait.");
        emulator.Server.Control.Requests(token).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Expired_token_is_refreshed_once_and_the_request_retried()
    {
        var stale = EmulatorFixture.NewKey("stale");
        var fresh = EmulatorFixture.NewKey("fresh");
        emulator.Server.Control.Enqueue(stale, ScriptedResponse.FromFault("401"));
        emulator.Server.Control.Enqueue(fresh, ScriptedResponse.FromText("Signed in again."));
        var source = new CodeAssistConnections.RefreshingSource(stale, fresh);

        var updates = await StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, stale, Project, source), [new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = Model });

        GeminiStreamHarness.Text(updates).ShouldBe("Signed in again.");
        source.Refreshes.ShouldBe(1);
        emulator.Server.Control.Requests(stale).Count.ShouldBe(1);
        emulator.Server.Control.Requests(fresh).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_rejected_token_during_onboarding_is_an_authentication_error()
    {
        var error = await Should.ThrowAsync<ProviderException>(() => StreamAsync(Provider(),
            CodeAssistConnections.Create(ApiUrl, "invalid-" + Guid.NewGuid().ToString("N")), [new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = Model }));

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        error.StatusCode.ShouldBe(401);
    }

    [Theory]
    [InlineData("disconnect:3")]
    [InlineData("malformed:3")]
    [InlineData("truncate:3")]
    public async Task A_broken_stream_is_one_transport_error_and_not_retried(string fault)
    {
        var token = EmulatorFixture.NewKey("ya29");
        emulator.Server.Control.Enqueue(token, new ScriptedResponse { Text = "one two three four five six seven", Fault = Maestro.Emulator.EmulatorFault.Parse(fault) },
            ScriptedResponse.FromText("must not be used"));

        var updates = await StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, token, Project), [new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = Model });

        GeminiStreamHarness.Errors(updates).Single().ErrorCode.ShouldBe("transport");
        "one two three four five six seven".ShouldStartWith(GeminiStreamHarness.Text(updates));
        emulator.Server.Control.Requests(token).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_validation_error_costs_no_call_not_even_onboarding()
    {
        var token = EmulatorFixture.NewKey("ya29");

        await Should.ThrowAsync<Maestro.Core.Errors.ValidationFailedException>(() =>
            StreamAsync(Provider(), CodeAssistConnections.Create(ApiUrl, token), [new(ChatRole.User, "Hi")], new ChatOptions()));

        emulator.Server.Control.Requests(token).ShouldBeEmpty();
    }

    private static string OperationId(IReadOnlyList<RecordedRequest> requests)
    {
        var poll = requests.First(r => r.Method == "GET").Path;
        return poll[(poll.IndexOf("operations/", StringComparison.Ordinal))..];
    }

    private GeminiProvider Provider(string? userProject = null) => new(new GeminiOptions
    {
        BaseUrl = ApiUrl,
        CodeAssistEndpoint = CodeAssistUrl,
        CodeAssistPollInterval = TimeSpan.FromMilliseconds(1),
        UserProject = userProject,
    });

    private static Task<List<ChatResponseUpdate>> StreamAsync(GeminiProvider provider, ProviderConnection connection, IList<ChatMessage> messages, ChatOptions options) =>
        StreamAsync(provider.CreateChatClient(connection), messages, options);

    private static async Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, IList<ChatMessage> messages, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, Token))
        {
            updates.Add(update);
        }

        return updates;
    }
}
