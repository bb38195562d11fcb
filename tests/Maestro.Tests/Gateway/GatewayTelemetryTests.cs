using System.Diagnostics;
using Maestro.Core.Telemetry;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;

namespace Maestro.Tests.Gateway;

/// <summary>A translated gateway request goes through its auth's telemetry layer: the same GenAI span as any other provider call.</summary>
public sealed class GatewayTelemetryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync()
    {
        _bed = await GatewayTestBed.StartAsync(postgres, "gwspans");
        await _bed.AddAuthAsync("anthropic/spans");
    }

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_translated_request_gets_a_genai_span_naming_its_auth_and_tokens()
    {
        // Listeners are process-wide: only this test's auth (a name no other test uses) counts.
        var span = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            // By the constant name: asking for MaestroTelemetry.Source here would run its type initializer from inside
            // itself when this listener is the first to see it created, and fail it for the rest of the test process.
            ShouldListenTo = source => source.Name == MaestroTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(GenAiAttributes.Auth) as string == "anthropic/spans")
                {
                    span.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        _bed.Script("anthropic/spans", new ScriptedResponse { Text = "Traced.", Usage = new ScriptedUsage { InputTokens = 11, OutputTokens = 4 } });

        // Chat Completions in, Anthropic Messages out: translated through the auth's chat client.
        var answer = await _bed.OpenAI().GetChatClient("anthropic/spans/claude-haiku-4-5")
            .CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        answer.Value.Content[0].Text.ShouldBe("Traced.");
        var activity = await span.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        activity.DisplayName.ShouldBe("chat claude-haiku-4-5");
        activity.GetTagItem(GenAiAttributes.ProviderName).ShouldBe("anthropic");
        activity.GetTagItem(GenAiAttributes.InputTokens).ShouldBe(11L);
        activity.GetTagItem(GenAiAttributes.OutputTokens).ShouldBe(4L);
    }
}
