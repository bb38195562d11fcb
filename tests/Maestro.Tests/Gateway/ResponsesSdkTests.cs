using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in this SDK version.

namespace Maestro.Tests.Gateway;

/// <summary>The official OpenAI SDK on <c>/v1/responses</c>, to every kind of auth on the emulator.</summary>
public sealed class ResponsesSdkTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwresp");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string> Targets => ChatCompletionsSdkTests.Targets;

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Streams_text_and_usage_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Hello from the gateway.", Usage = new ScriptedUsage { InputTokens = 12, OutputTokens = 5 } });
        var client = _bed.Responses();

        var text = new System.Text.StringBuilder();
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync($"{auth}/{model}", "Say hello", previousResponseId: null, TestContext.Current.CancellationToken))
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }

        text.ToString().ShouldBe("Hello from the gateway.");
        completed.ShouldNotBeNull();
        completed.GetOutputText().ShouldBe("Hello from the gateway.");
        completed.Usage.InputTokenCount.ShouldBe(12);
        completed.Usage.OutputTokenCount.ShouldBe(5);
        _bed.Generations(auth).Count.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Answers_whole_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Whole answer.", Usage = new ScriptedUsage { InputTokens = 7, OutputTokens = 2 } });
        var client = _bed.Responses();

        var response = (await client.CreateResponseAsync($"{auth}/{model}", "Hi", previousResponseId: null, TestContext.Current.CancellationToken)).Value;

        response.GetOutputText().ShouldBe("Whole answer.");
        response.Status.ShouldBe(ResponseStatus.Completed);
        response.Usage.InputTokenCount.ShouldBe(7);
        response.Usage.OutputTokenCount.ShouldBe(2);
    }
}
