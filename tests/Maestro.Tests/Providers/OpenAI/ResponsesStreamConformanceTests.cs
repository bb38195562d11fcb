using System.Text;
using Maestro.Providers.OpenAI;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>Every recorded Responses API stream replays through <see cref="OpenAIStreamReader"/> with what it carries.</summary>
public sealed class ResponsesStreamConformanceTests
{
    public static TheoryData<string> Fixtures => [.. RepoPaths.Fixtures("openai/responses", "*.sse")];

    public static TheoryData<string> CompletedFixtures =>
        [.. RepoPaths.Fixtures("openai/responses", "*.sse").Where(f => !f.Contains("error-", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_yields_what_the_raw_stream_carries(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var expected = ResponsesReference.Extract(RawSse.Parse(bytes));

        var actual = StreamSummary.Of(await RunAsync(new MemoryStream(bytes)));

        actual.Text.ShouldBe(expected.Text);
        actual.Reasoning.ShouldBe(expected.Reasoning);
        actual.Encrypted.ShouldBe(expected.Encrypted);
        actual.Calls.ShouldBe(expected.Calls);
        actual.Usage.ShouldBe(expected.Usage);
        if (expected.Errors.Count == 0)
        {
            actual.Errors.ShouldBeEmpty();
            actual.Finish.ShouldBe(expected.Finish);
        }
        else
        {
            actual.Errors.Count.ShouldBe(1);
            actual.Finish.ShouldBeNull();
        }
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
    [MemberData(nameof(CompletedFixtures))]
    public async Task Truncation_before_completion_is_one_transport_error_after_the_content_so_far(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var events = RawSse.Parse(bytes);
        var completion = events.FindIndex(e => e.Type == "response.completed");
        completion.ShouldBeGreaterThan(0);
        for (var i = 0; i < completion; i++)
        {
            var cut = events[i].End;
            var updates = await RunAsync(new MemoryStream(bytes[..cut]));
            var actual = StreamSummary.Of(updates);
            var expected = ResponsesReference.Extract(events.Take(i + 1));

            actual.Text.ShouldBe(expected.Text, $"cut after event {i}");
            actual.Calls.ShouldBe(expected.Calls, $"cut after event {i}");
            actual.Usage.ShouldBeNull();
            actual.Finish.ShouldBeNull();
            actual.Errors.Count.ShouldBe(1);
            updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
        }
    }

    [Fact]
    public async Task Function_call_is_pinned()
    {
        var summary = await SummaryAsync("openai/responses/function-call.sse");

        summary.Calls.ShouldBe([StreamSummary.Call("fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2", "call_kL0PCQV7M2WMoVX8V8OtYSAL",
            "get_capital", """{"country":"France"}""")]);
        summary.Text.ShouldBe("");
        summary.Usage.ShouldBe(StreamSummary.UsageText(255, 16, 271, 0, 0));
        summary.Finish.ShouldBe("tool_calls");
    }

    [Fact]
    public async Task Text_is_pinned_with_ids_and_model()
    {
        var updates = await RunAsync(new MemoryStream(RepoPaths.FixtureBytes("openai/responses/text-after-function-output.sse")));
        var summary = StreamSummary.Of(updates);

        summary.Text.ShouldBe("The capital of France is Paris.");
        summary.Usage.ShouldBe(StreamSummary.UsageText(278, 9, 287, 0, 0));
        summary.Finish.ShouldBe("stop");
        var first = updates.First(u => u.Contents.OfType<TextContent>().Any());
        first.Role.ShouldBe(ChatRole.Assistant);
        first.MessageId.ShouldBe("msg_67e554a28bec8191b56d3e2331eff88006c52f0e511c76ed");
        first.ResponseId.ShouldStartWith("resp_");
        first.ModelId.ShouldBe("gpt-4o-2024-08-06");
        updates[^1].AdditionalProperties!["finish_reason"].ShouldBe("completed");
    }

    [Fact]
    public async Task Encrypted_reasoning_is_kept_for_replay()
    {
        var updates = await RunAsync(new MemoryStream(RepoPaths.FixtureBytes("openai/responses/reasoning-item-function-call.sse")));
        var reasoning = updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Single();

        reasoning.Text.ShouldBe("");
        reasoning.ProtectedData.ShouldStartWith("gAAAAABoyXvxI6jwG5j6");
        reasoning.AdditionalProperties![OpenAIRequestWriter.ItemIdKey].ShouldBe("rs_0050471a34b36ae60068c97bac4dcc819595fd0f80d6b3c405");
        StreamSummary.Of(updates).Usage.ShouldBe(StreamSummary.UsageText(53, 469, 522, 0, 448));
    }

    [Fact]
    public async Task Reasoning_summary_streams_as_reasoning_text()
    {
        var summary = await SummaryAsync("openai/responses/reasoning-summary-function-call.sse");

        summary.Reasoning.ShouldStartWith("**Calculating step-by-step using calculator**\n\nI'll compute 12 plus 7");
        summary.Encrypted.Count.ShouldBe(1);
        summary.Calls.Single().ShouldContain("|calculator|");
    }

    [Fact]
    public async Task Built_in_web_search_is_ignored_and_cached_tokens_counted()
    {
        var summary = await SummaryAsync("openai/responses/web-search-builtin-tool.sse");

        summary.Text.ShouldStartWith("San Francisco weather today");
        summary.Calls.ShouldBeEmpty();
        summary.Encrypted.Count.ShouldBe(2);
        summary.Usage.ShouldBe(StreamSummary.UsageText(9463, 582, 10045, 8320, 512));
    }

    [Fact]
    public async Task Background_queued_stream_completes()
    {
        var summary = await SummaryAsync("openai/responses/background-queued.sse");

        summary.Text.ShouldBe("2 + 2 equals 4.");
        summary.Finish.ShouldBe("stop");
    }

    [Fact]
    public async Task In_stream_quota_error_is_one_error_content()
    {
        var updates = await RunAsync(new MemoryStream(RepoPaths.FixtureBytes("openai/responses/error-insufficient-quota.sse")));

        var error = updates.Single().Contents.Single().ShouldBeOfType<ErrorContent>();
        error.ErrorCode.ShouldBe("quota_exceeded");
        error.Message.ShouldContain("You exceeded your current quota");
        error.Message.ShouldContain("openai/test");
    }

    [Fact]
    public async Task Incomplete_response_finishes_with_length()
    {
        var stream = Sse(
            ("response.created", """{"type":"response.created","response":{"id":"resp_1","model":"gpt-4o","status":"in_progress"}}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","item_id":"msg_1","delta":"Hel"}"""),
            ("response.incomplete", """{"type":"response.incomplete","response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":3,"output_tokens":5,"total_tokens":8}}}"""));

        var summary = StreamSummary.Of(await RunAsync(stream));

        summary.Text.ShouldBe("Hel");
        summary.Finish.ShouldBe("length");
        summary.Usage.ShouldBe(StreamSummary.UsageText(3, 5, 8, null, null));
        summary.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Failed_response_without_error_event_is_one_error()
    {
        var stream = Sse(
            ("response.created", """{"type":"response.created","response":{"id":"resp_1","model":"gpt-4o"}}"""),
            ("response.failed", """{"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"The server had an error."}}}"""));

        var error = (await RunAsync(stream)).Single().Contents.Single().ShouldBeOfType<ErrorContent>();

        error.ErrorCode.ShouldBe("server_error");
        error.Message.ShouldContain("The server had an error.");
    }

    [Fact]
    public async Task Multi_byte_text_survives_any_split()
    {
        const string text = "Grüße 👋🏽 世界 — ok";
        var bytes = Sse(
            ("response.created", """{"type":"response.created","response":{"id":"resp_1","model":"gpt-4o"}}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","item_id":"msg_1","delta":"Grüße 👋🏽 "}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","item_id":"msg_1","delta":"世界 \u2014 ok"}"""),
            ("response.completed", """{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}}""")).ToArray();

        (await SummaryOf(ChunkedStream.ByteAtATime(bytes))).Text.ShouldBe(text);
        (await SummaryOf(new MemoryStream(bytes))).Text.ShouldBe(text);
    }

    [Fact]
    public async Task Unknown_events_are_ignored()
    {
        var bytes = RepoPaths.FixtureBytes("openai/responses/text-after-function-output.sse");
        var expected = StreamSummary.Of(await RunAsync(new MemoryStream(bytes))).Key();
        var unknown = "event: response.something_new\ndata: {\"type\":\"response.something_new\",\"x\":[1,{\"y\":2}]}\n\n"u8.ToArray();
        var ends = ChunkedStream.EventEnds(bytes);
        var withUnknown = bytes[..ends[1]].Concat(unknown).Concat(bytes[ends[1]..]).ToArray();

        StreamSummary.Of(await RunAsync(new MemoryStream(withUnknown))).Key().ShouldBe(expected);
    }

    [Fact]
    public async Task Unknown_events_are_reported_to_diagnostics()
    {
        using var logs = new CapturedLogs();
        using var factory = logs.Factory();
        var runtime = new Maestro.Core.Providers.Http.ProviderRuntime(
            new Maestro.Core.Providers.Http.ProviderRuntimeOptions { LogUnknownEvents = true }, TimeProvider.System, factory);
        var connection = new Maestro.Core.Providers.ProviderConnection(
            StreamRunner.Connection().Auth, StreamRunner.Connection().Credentials, new HttpClient(), new Uri("https://api.openai.com"), runtime);
        var stream = Sse(
            ("response.created", """{"type":"response.created","response":{"id":"resp_1","model":"gpt-4o"}}"""),
            ("response.brand_new", """{"type":"response.brand_new"}"""),
            ("response.web_search_call.searching", """{"type":"response.web_search_call.searching"}"""),
            ("response.completed", """{"type":"response.completed","response":{"id":"resp_1","status":"completed"}}"""));

        await foreach (var _ in new OpenAIStreamReader(connection, "gpt-4o").ReadAsync(stream, connection, "gpt-4o", TestContext.Current.CancellationToken))
        {
        }

        logs.Messages.ShouldHaveSingleItem().ShouldContain("response.brand_new");
    }

    [Fact]
    public async Task Events_without_an_event_line_are_read_from_their_type()
    {
        var bytes = RepoPaths.FixtureBytes("openai/responses/reasoning-summary-function-call.sse");
        var expected = StreamSummary.Of(await RunAsync(new MemoryStream(bytes))).Key();
        var stripped = string.Join("", RawSse.Parse(bytes).Select(e => $"data: {e.Data}\n\n"));

        StreamSummary.Of(await RunAsync(new MemoryStream(Encoding.UTF8.GetBytes(stripped)))).Key().ShouldBe(expected);
    }

    [Fact]
    public async Task Malformed_event_is_a_transport_error()
    {
        var stream = Sse(
            ("response.created", """{"type":"response.created","response":{"id":"resp_1","model":"gpt-4o"}}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","item_id":"msg_1","delta":"Hi"}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","delta":"#"""));

        var updates = await RunAsync(stream);

        StreamSummary.Of(updates).Text.ShouldBe("Hi");
        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>().ErrorCode.ShouldBe("transport");
    }

    internal static MemoryStream Sse(params (string Type, string Data)[] events) =>
        new(Encoding.UTF8.GetBytes(string.Concat(events.Select(e => $"event: {e.Type}\ndata: {e.Data}\n\n"))));

    private static async Task<StreamSummary> SummaryAsync(string fixture) =>
        StreamSummary.Of(await RunAsync(new MemoryStream(RepoPaths.FixtureBytes(fixture))));

    private static async Task<StreamSummary> SummaryOf(Stream stream) => StreamSummary.Of(await RunAsync(stream));

    private static Task<List<ChatResponseUpdate>> RunAsync(Stream stream) =>
        StreamRunner.RunAsync(new OpenAIStreamReader(StreamRunner.Connection(), "test-model"), stream);
}
