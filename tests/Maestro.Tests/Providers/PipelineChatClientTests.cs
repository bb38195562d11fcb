using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Usage;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers;

/// <summary>
/// An auth's pipeline is a plain <see cref="IChatClient"/>: once obtained, everything here is Microsoft.Extensions.AI —
/// its extensions, its metadata, and its own function-invoking layer running a tool the model calls.
/// </summary>
public sealed class PipelineChatClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "pipeline");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    [InlineData("gemini")]
    public async Task The_pipeline_works_as_a_plain_chat_client_under_MEAI_function_invocation(string provider)
    {
        IChatClient pipeline = await _bed.Get<ProviderConnections>().CreateChatClientAsync(new AuthRef(provider, "bed"), Ct);
        _bed.Script(provider,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("get_city", """{"country": "France"}""")),
            ScriptedResponse.FromText("The capital is Paris."));
        var asked = new List<string>();
        var getCity = AIFunctionFactory.Create((string country) =>
        {
            asked.Add(country);
            return "Paris";
        }, "get_city", "The capital of a country.");

        using var client = new ChatClientBuilder(pipeline).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync(
            "What is the capital of France?",
            new ChatOptions { ModelId = SessionTestBed.Models[provider], Tools = [getCity] },
            Ct);

        response.Text.ShouldBe("The capital is Paris.");
        asked.ShouldBe(["France"]);
        response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result?.ToString().ShouldBe("Paris");
        client.GetService<ChatClientMetadata>()!.ProviderName.ShouldBe(provider);

        _bed.Script(provider, ScriptedResponse.FromText("Streamed."));
        var streamed = await pipeline.GetStreamingResponseAsync("Say it", new ChatOptions { ModelId = SessionTestBed.Models[provider] }, Ct).ToChatResponseAsync(Ct);
        streamed.Text.ShouldBe("Streamed.");
        streamed.Usage!.OutputTokenCount.ShouldNotBeNull();
        streamed.Usage.OutputTokenCount!.Value.ShouldBeGreaterThan(0);

        // Every one of those calls counted for the auth, outside any session.
        var auth = await _bed.Get<AuthService>().GetAsync(new AuthRef(provider, "bed"), Ct);
        var usage = await _bed.Get<UsageService>().ForAuthAsync(auth.Id, auth.Ref.ToString(), Ct);
        usage.ByModel.Sum(m => m.Messages).ShouldBe(3);
        usage.OutputTokens.ShouldBeGreaterThan(0);
    }
}
