using Anthropic.Models.Messages;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Gateway;

/// <summary>The official Anthropic SDK (which sends its key as a bearer token with anthropic-version 2026-10-21) on <c>/v1/messages</c>.</summary>
public sealed class MessagesSdkTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwmsg");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string> Targets => ChatCompletionsSdkTests.Targets;

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Streams_text_and_usage_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Hello from the gateway.", Usage = new ScriptedUsage { InputTokens = 12, OutputTokens = 5 } });
        using var client = _bed.Anthropic();

        var text = new System.Text.StringBuilder();
        long? output = null;
        string? stop = null;
        await foreach (var e in client.Messages.CreateStreaming(
            new MessageCreateParams { Model = $"{auth}/{model}", MaxTokens = 1024, Messages = [new UserMessageParam("Say hello")] },
            TestContext.Current.CancellationToken))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                output = messageDelta.Usage.OutputTokens;
                stop = messageDelta.Delta.StopReason?.Raw();
            }
        }

        text.ToString().ShouldBe("Hello from the gateway.");
        output.ShouldBe(5);
        stop.ShouldBe("end_turn");
        _bed.Generations(auth).Count.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Answers_whole_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Whole answer.", Usage = new ScriptedUsage { InputTokens = 7, OutputTokens = 2 } });
        using var client = _bed.Anthropic();

        var message = await client.Messages.Create(
            new MessageCreateParams { Model = $"{auth}/{model}", MaxTokens = 1024, Messages = [new UserMessageParam("Hi")] },
            TestContext.Current.CancellationToken);

        message.Content.Count.ShouldBe(1);
        message.Content[0].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("Whole answer.");
        message.Usage.InputTokens.ShouldBe(7);
        message.Usage.OutputTokens.ShouldBe(2);
        message.StopReason?.Raw().ShouldBe("end_turn");
    }
}
