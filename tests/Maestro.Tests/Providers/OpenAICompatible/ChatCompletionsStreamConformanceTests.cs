using System.Text;
using Maestro.Providers.OpenAICompatible;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>Every recorded Chat Completions stream replays through <see cref="ChatCompletionsStreamReader"/>.</summary>
public sealed class ChatCompletionsStreamConformanceTests
{
    public static TheoryData<string> Fixtures => [.. RepoPaths.Fixtures("openai/chat-completions", "*.sse")];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_yields_what_the_raw_stream_carries(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var expected = ChatCompletionsReference.Extract(RawSse.Parse(bytes));

        var actual = StreamSummary.Of(await RunAsync(new MemoryStream(bytes)));

        actual.Text.ShouldBe(expected.Text);
        actual.Calls.ShouldBe(expected.Calls);
        actual.Usage.ShouldBe(expected.Usage);
        actual.Finish.ShouldBe(expected.Finish);
        actual.Errors.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Chunking_does_not_change_the_result(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var whole = StreamSummary.Of(await RunAsync(new MemoryStream(bytes))).Key();

        StreamSummary.Of(await RunAsync(ChunkedStream.ByteAtATime(bytes))).Key().ShouldBe(whole);
        StreamSummary.Of(await RunAsync(new ChunkedStream(bytes, ChunkedStream.EventEnds(bytes)))).Key().ShouldBe(whole);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Truncation_before_done_is_one_transport_error_after_the_content_so_far(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var events = RawSse.Parse(bytes);
        var done = events.FindIndex(e => e.Data == "[DONE]");
        done.ShouldBe(events.Count - 1);
        for (var i = 0; i < done; i++)
        {
            var updates = await RunAsync(new MemoryStream(bytes[..events[i].End]));
            var actual = StreamSummary.Of(updates);
            var expected = ChatCompletionsReference.Extract(events.Take(i + 1));

            actual.Text.ShouldBe(expected.Text, $"cut after chunk {i}");
            actual.Calls.ShouldBe(expected.Calls, $"cut after chunk {i}");
            actual.Usage.ShouldBeNull();
            actual.Finish.ShouldBeNull();
            actual.Errors.Count.ShouldBe(1);
            updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
        }
    }

    [Fact]
    public async Task Parallel_tool_calls_are_pinned()
    {
        var summary = await SummaryAsync("openai/chat-completions/tool-calls-parallel.sse");

        summary.Calls.ShouldBe([
            StreamSummary.Call(null, "call_q2UyBRP7eXNTzAoR8lEhjc9Z", "get_country", "{}"),
            StreamSummary.Call(null, "call_b51ijcpFkDiTQG1bQzsrmtW5", "get_product_name", "{}"),
        ]);
        summary.Finish.ShouldBe("tool_calls");
        summary.Usage.ShouldBe(StreamSummary.UsageText(364, 40, 404, 0, 0));
    }

    [Fact]
    public async Task Single_tool_call_arguments_are_joined()
    {
        var updates = await RunAsync(new MemoryStream(RepoPaths.FixtureBytes("openai/chat-completions/tool-call-single.sse")));
        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();

        call.CallId.ShouldBe("call_1EYWDzueHEp8OsB8jJSEp7WB");
        call.Name.ShouldBe("multiply");
        call.Arguments!["a"].ShouldBeOfType<System.Text.Json.JsonElement>().GetInt32().ShouldBe(1231);
        call.Arguments!["b"].ShouldBeOfType<System.Text.Json.JsonElement>().GetInt32().ShouldBe(2331);
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        updates[^1].AdditionalProperties!["finish_reason"].ShouldBe("tool_calls");
    }

    [Fact]
    public async Task Text_with_ids_model_and_usage()
    {
        var updates = await RunAsync(new MemoryStream(RepoPaths.FixtureBytes("openai/chat-completions/text-usage.sse")));
        var summary = StreamSummary.Of(updates);

        summary.Text.ShouldBe("The capital of Mexico is Mexico City.");
        summary.Usage.ShouldBe(StreamSummary.UsageText(14, 8, 22, 0, 0));
        summary.Finish.ShouldBe("stop");
        var first = updates[0];
        first.ResponseId.ShouldStartWith("chatcmpl-");
        first.MessageId.ShouldBe(first.ResponseId);
        first.ModelId.ShouldStartWith("gpt-4o");
        first.Role.ShouldBe(ChatRole.Assistant);
    }

    [Fact]
    public async Task Stream_without_usage_yields_no_usage_content()
    {
        var updates = await RunAsync(new MemoryStream(RepoPaths.FixtureBytes("openai/chat-completions/text-legacy-no-usage.sse")));

        updates.SelectMany(u => u.Contents).OfType<UsageContent>().ShouldBeEmpty();
        StreamSummary.Of(updates).Text.ShouldBe("Hello! How can I assist you today?");
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Obfuscation_and_moderation_chunks_are_ignored()
    {
        var summary = await SummaryAsync("openai/chat-completions/text-gpt-5-obfuscation-moderation.sse");

        summary.Text.ShouldBe("Paris.");
        summary.Usage.ShouldBe(StreamSummary.UsageText(13, 11, 24, 0, 0));
        summary.Finish.ShouldBe("stop");
    }

    [Fact]
    public async Task Reasoning_fields_of_compatible_servers_stream_as_reasoning()
    {
        var stream = Chunks(
            """{"id":"c1","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Think "}}]}""",
            """{"id":"c1","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"reasoning":"more."}}]}""",
            """{"id":"c1","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"Answer."},"finish_reason":"stop"}]}""",
            "[DONE]");

        var summary = StreamSummary.Of(await RunAsync(stream));

        summary.Reasoning.ShouldBe("Think more.");
        summary.Text.ShouldBe("Answer.");
        summary.Usage.ShouldBeNull();
    }

    [Fact]
    public async Task Calls_without_index_or_with_a_reused_index_stay_separate()
    {
        var stream = Chunks(
            """{"id":"c1","choices":[{"delta":{"tool_calls":[{"id":"call_a","type":"function","function":{"name":"one","arguments":"{\"x\":1}"}}]}}]}""",
            """{"id":"c1","choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_b","type":"function","function":{"name":"two","arguments":"{}"}}]}}]}""",
            """{"id":"c1","choices":[{"delta":{},"finish_reason":"stop"}]}""",
            "[DONE]");

        var updates = await RunAsync(stream);
        var summary = StreamSummary.Of(updates);

        summary.Calls.ShouldBe([StreamSummary.Call(null, "call_a", "one", """{"x":1}"""), StreamSummary.Call(null, "call_b", "two", "{}")]);
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task Error_chunk_is_one_error_content()
    {
        var stream = Chunks(
            """{"id":"c1","choices":[{"delta":{"content":"Hi"}}]}""",
            """{"error":{"message":"Upstream provider overloaded","code":"server_overloaded"}}""");

        var updates = await RunAsync(stream);

        StreamSummary.Of(updates).Text.ShouldBe("Hi");
        var error = updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>();
        error.ErrorCode.ShouldBe("overloaded");
        error.Message.ShouldContain("Upstream provider overloaded");
    }

    [Fact]
    public async Task Multi_byte_text_survives_any_split()
    {
        var bytes = Chunks(
            """{"id":"c1","choices":[{"delta":{"content":"Grüße 👋🏽 "}}]}""",
            """{"id":"c1","choices":[{"delta":{"content":"世界"},"finish_reason":"stop"}]}""",
            "[DONE]").ToArray();

        StreamSummary.Of(await RunAsync(ChunkedStream.ByteAtATime(bytes))).Text.ShouldBe("Grüße 👋🏽 世界");
    }

    [Fact]
    public async Task Unknown_fields_and_event_types_are_ignored()
    {
        var bytes = RepoPaths.FixtureBytes("openai/chat-completions/tool-call-single.sse");
        var expected = StreamSummary.Of(await RunAsync(new MemoryStream(bytes))).Key();
        var extra = "event: vendor.progress\ndata: {\"pct\":50}\n\ndata: {\"id\":\"x\",\"choices\":[],\"future\":{\"a\":[1,2]}}\n\n"u8.ToArray();
        var ends = ChunkedStream.EventEnds(bytes);

        StreamSummary.Of(await RunAsync(new MemoryStream([.. bytes[..ends[2]], .. extra, .. bytes[ends[2]..]]))).Key().ShouldBe(expected);
    }

    [Fact]
    public async Task Malformed_chunk_is_a_transport_error()
    {
        var updates = await RunAsync(Chunks("""{"id":"c1","choices":[{"delta":{"content":"Hi"}}]}""", """{"id":"c1","choices":[{"delta":"""));

        StreamSummary.Of(updates).Text.ShouldBe("Hi");
        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
    }

    internal static MemoryStream Chunks(params string[] data) =>
        new(Encoding.UTF8.GetBytes(string.Concat(data.Select(d => $"data: {d}\n\n"))));

    private static async Task<StreamSummary> SummaryAsync(string fixture) =>
        StreamSummary.Of(await RunAsync(new MemoryStream(RepoPaths.FixtureBytes(fixture))));

    private static Task<List<ChatResponseUpdate>> RunAsync(Stream stream) =>
        StreamRunner.RunAsync(new ChatCompletionsStreamReader(StreamRunner.Connection("ollama"), "test-model"), stream, "ollama");
}
