using System.Text.Json;
using Anthropic.Models.Messages;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in this SDK version.

namespace Maestro.Tests.Gateway;

/// <summary>
/// Reasoning in each client's own form (<c>reasoning_content</c>, reasoning items, thinking blocks, thought parts),
/// and signatures that go back only to the provider that made them — as they are within a family, wrapped across.
/// </summary>
public sealed class ReasoningTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwreason");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    private static ScriptedResponse Thought => new() { Reasoning = "First, the weather.", Text = "It is sunny." };

    [Fact]
    public async Task Chat_completions_shows_reasoning_as_reasoning_content_and_asks_the_provider_for_the_effort()
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script("anthropic/work", Thought, Thought);
        var client = _bed.OpenAI().GetChatClient("anthropic/work/claude-sonnet-4-5");
        var options = new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.High, MaxOutputTokenCount = 40_000 };

        var completion = (await client.CompleteChatAsync([new UserChatMessage("Weather?")], options, cancellation)).Value;

        completion.Content[0].Text.ShouldBe("It is sunny.");
        var sent = JsonDocument.Parse(_bed.Generations("anthropic/work")[^1].BodyText).RootElement;
        sent.GetProperty("thinking").GetProperty("type").GetString().ShouldBe("enabled");

        // The SDK has no property for the field; the raw stream shows it as DeepSeek-style clients read it.
        using var http = _bed.Raw(_bed.Key);
        using var response = await http.PostAsync("/v1/chat/completions", GenerateContentTests.Json("""
            {"model":"anthropic/work/claude-sonnet-4-5","stream":true,"reasoning_effort":"high","max_tokens":40000,"messages":[{"role":"user","content":"Weather?"}]}
            """), cancellation);
        var chunks = GenerateContentTests.Sse((await response.Content.ReadAsStringAsync(cancellation)).Replace("data: [DONE]", "", StringComparison.Ordinal));
        string.Concat(chunks.Select(c => c.GetProperty("choices") is { } choices && choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("reasoning_content", out var r) ? r.GetString() : ""))
            .ShouldBe("First, the weather.");
    }

    [Fact]
    public async Task Responses_from_anthropic_carry_the_thinking_signature_wrapped_and_send_it_back_as_it_was()
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script("anthropic/work", Thought, ScriptedResponse.FromText("Still sunny."));
        var client = _bed.Responses();
        var options = new CreateResponseOptions("anthropic/work/claude-sonnet-4-5", [ResponseItem.CreateUserMessageItem("Weather?")])
        {
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium },
            IncludedProperties = { IncludedResponseProperty.ReasoningEncryptedContent },
            MaxOutputTokenCount = 40_000,
            StreamingEnabled = true,
        };

        var summary = new System.Text.StringBuilder();
        ResponseResult? done = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(options, cancellation))
        {
            switch (update)
            {
                case StreamingResponseReasoningSummaryTextDeltaUpdate delta:
                    summary.Append(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate completed:
                    done = completed.Response;
                    break;
            }
        }

        summary.ToString().ShouldBe("First, the weather.");
        var reasoning = done.ShouldNotBeNull().OutputItems.OfType<ReasoningResponseItem>().Single();
        reasoning.EncryptedContent.ShouldStartWith("mae1:anthropic:");
        var signature = AnthropicSignature(_bed.Requests("anthropic/work"));

        var next = new CreateResponseOptions("anthropic/work/claude-sonnet-4-5",
            [options.InputItems[0], .. done.OutputItems, ResponseItem.CreateUserMessageItem("And tomorrow?")])
        { ReasoningOptions = options.ReasoningOptions, MaxOutputTokenCount = 40_000 };
        (await client.CreateResponseAsync(next, cancellation)).Value.GetOutputText().ShouldBe("Still sunny.");

        var replayed = JsonDocument.Parse(_bed.Generations("anthropic/work")[^1].BodyText).RootElement.GetProperty("messages")[1].GetProperty("content")[0];
        replayed.GetProperty("type").GetString().ShouldBe("thinking");
        replayed.GetProperty("thinking").GetString().ShouldBe("First, the weather.");
        replayed.GetProperty("signature").GetString().ShouldBe(signature);
    }

    [Fact]
    public async Task Messages_from_openai_show_thinking_and_replay_encrypted_reasoning_only_to_openai()
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script("openai/work", Thought, ScriptedResponse.FromText("Still sunny."));
        _bed.Script("gemini/work", ScriptedResponse.FromText("From Gemini."));
        using var client = _bed.Anthropic();
        var thinking = new ThinkingConfigParam(JsonDocument.Parse("""{"type":"enabled","budget_tokens":2048}""").RootElement);
        List<MessageParam> history = [new UserMessageParam("Weather?")];

        var first = await client.Messages.Create(
            new MessageCreateParams { Model = "openai/work/gpt-5-mini", MaxTokens = 8192, Thinking = thinking, Messages = history }, cancellation);

        first.Content[0].TryPickThinking(out var block).ShouldBeTrue();
        block!.Thinking.ShouldBe("First, the weather.");
        block.Signature.ShouldStartWith("mae1:openai:rs_");
        first.Content[1].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("It is sunny.");

        history.Add(new MessageParam(JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            role = "assistant",
            content = new object[]
            {
                new { type = "thinking", thinking = block.Thinking, signature = block.Signature },
                new { type = "text", text = text.Text },
            },
        })).RootElement));
        history.Add(new UserMessageParam("And tomorrow?"));
        await client.Messages.Create(new MessageCreateParams { Model = "openai/work/gpt-5-mini", MaxTokens = 8192, Thinking = thinking, Messages = history }, cancellation);

        var replay = _bed.Generations("openai/work")[^1].BodyText;
        var encrypted = block.Signature.Split(':', 4)[3];
        replay.ShouldContain(encrypted);
        replay.ShouldContain("\"type\":\"reasoning\"");

        // The same history sent to Gemini keeps the thought's text, never OpenAI's encrypted reasoning.
        await client.Messages.Create(new MessageCreateParams { Model = "gemini/work/gemini-2.5-flash", MaxTokens = 8192, Thinking = thinking, Messages = history }, cancellation);
        var toGemini = _bed.Generations("gemini/work")[^1].BodyText;
        toGemini.ShouldNotContain(encrypted);
        toGemini.ShouldContain("First, the weather.");
    }

    [Fact]
    public async Task Messages_to_anthropic_pass_thinking_blocks_and_their_signatures_through_untouched()
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script("anthropic/work", Thought, ScriptedResponse.FromText("Still sunny."));
        using var client = _bed.Anthropic();
        var thinking = new ThinkingConfigParam(JsonDocument.Parse("""{"type":"enabled","budget_tokens":2048}""").RootElement);

        var first = await client.Messages.Create(
            new MessageCreateParams { Model = "anthropic/work/claude-sonnet-4-5", MaxTokens = 8192, Thinking = thinking, Messages = [new UserMessageParam("Weather?")] },
            cancellation);
        first.Content[0].TryPickThinking(out var block).ShouldBeTrue();
        block!.Signature.ShouldBe(AnthropicSignature(_bed.Requests("anthropic/work")));

        var history = $$$"""
            {"model":"anthropic/work/claude-sonnet-4-5","max_tokens":8192,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","content":[{"type":"thinking","thinking":{{{JsonSerializer.Serialize(block.Thinking)}}},"signature":{{{JsonSerializer.Serialize(block.Signature)}}}},{"type":"text","text":"It is sunny."}]},
              {"role":"user","content":"And tomorrow?"}],"x_unknown_field":{"kept":true}}
            """;
        using var http = _bed.Raw(_bed.Key);
        http.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        using var response = await http.PostAsync("/v1/messages", GenerateContentTests.Json(history), cancellation);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync(cancellation));

        // Byte for byte but the model: the upstream sees the client's body with only "model" rewritten.
        _bed.Generations("anthropic/work")[^1].BodyText.ShouldBe(history.Replace("anthropic/work/claude-sonnet-4-5", "claude-sonnet-4-5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gemini_clients_see_thoughts_when_they_include_them()
    {
        var cancellation = TestContext.Current.CancellationToken;
        _bed.Script("anthropic/work", Thought);
        using var http = _bed.Gemini();
        using var response = await http.PostAsync("/v1beta/models/anthropic/work/claude-sonnet-4-5:streamGenerateContent?alt=sse", GenerateContentTests.Json("""
            {"contents":[{"role":"user","parts":[{"text":"Weather?"}]}],"generationConfig":{"maxOutputTokens":8192,"thinkingConfig":{"thinkingBudget":2048,"includeThoughts":true}}}
            """), cancellation);

        var chunks = GenerateContentTests.Sse(await response.Content.ReadAsStringAsync(cancellation));
        var parts = chunks.SelectMany(c => c.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray()).ToList();
        string.Concat(parts.Where(p => p.TryGetProperty("thought", out _)).Select(p => p.GetProperty("text").GetString())).ShouldBe("First, the weather.");
        parts.Single(p => p.TryGetProperty("thoughtSignature", out _)).GetProperty("thoughtSignature").GetString()!.ShouldStartWith("mae1:anthropic:");
        GenerateContentTests.Text(chunks).ShouldBe("It is sunny.");
    }

    /// <summary>The emulator's signature for <see cref="Thought"/>: what Anthropic put on the thinking block it sent.</summary>
    private static string AnthropicSignature(IReadOnlyList<RecordedRequest> requests)
    {
        requests.ShouldNotBeEmpty();
        return Maestro.Wire.WireIds.Opaque("anthropic-thinking-signature", "First, the weather.");
    }
}
