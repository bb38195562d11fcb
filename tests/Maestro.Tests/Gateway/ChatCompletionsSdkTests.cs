using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;

namespace Maestro.Tests.Gateway;

/// <summary>The official OpenAI SDK on <c>/v1/chat/completions</c>, to every kind of auth on the emulator.</summary>
public sealed class ChatCompletionsSdkTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwchat");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string> Targets => new()
    {
        { "anthropic/work", "claude-haiku-4-5" },
        { "openai/work", "gpt-5-mini" },
        { "openai/chatgpt", "gpt-5.1-codex-mini" },
        { "gemini/work", "gemini-2.5-flash" },
        { "gemini/gca", "gemini-2.5-flash" },
        { "local/work", "gpt-4o-mini" },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Streams_text_and_usage_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Hello from the gateway.", Usage = new ScriptedUsage { InputTokens = 12, OutputTokens = 5 } });
        var client = _bed.OpenAI().GetChatClient($"{auth}/{model}");

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(
            [new UserChatMessage("Say hello")], cancellationToken: TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        text.ToString().ShouldBe("Hello from the gateway.");
        finish.ShouldBe(ChatFinishReason.Stop);
        usage.ShouldNotBeNull();
        usage.InputTokenCount.ShouldBe(12);
        usage.OutputTokenCount.ShouldBe(5);
        _bed.Generations(auth).Count.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Answers_whole_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Whole answer.", Usage = new ScriptedUsage { InputTokens = 7, OutputTokens = 2 } });
        var client = _bed.OpenAI().GetChatClient($"{auth}/{model}");

        var completion = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        completion.Content[0].Text.ShouldBe("Whole answer.");
        completion.FinishReason.ShouldBe(ChatFinishReason.Stop);
        completion.Usage.InputTokenCount.ShouldBe(7);
        completion.Usage.OutputTokenCount.ShouldBe(2);
    }
}
