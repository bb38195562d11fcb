using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using static Maestro.Tests.Providers.Anthropic.AnthropicStreamHarness;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>Every recorded Anthropic stream replays through the adapter with exactly what the raw stream carries.</summary>
public sealed class AnthropicStreamConformanceTests
{
    public static TheoryData<string> Fixtures() => [.. RepoPaths.Fixtures("anthropic/messages", "*.sse")];

    [Fact]
    public void All_fixtures_are_found() => Fixtures().Count.ShouldBeGreaterThanOrEqualTo(13);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_yields_what_the_raw_stream_carries(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var expected = AnthropicReferenceExtraction.From(Encoding.UTF8.GetString(bytes));
        var updates = await ReplayAsync(ChunkedStream.SplitAfter(bytes, "\n\n"u8.ToArray()));
        var actual = Summarize(updates);

        actual.Errors.ShouldBeEmpty();
        actual.Text.ShouldBe(expected.Text);
        actual.Reasoning.ShouldBe(expected.Reasoning);
        actual.ProtectedData.ShouldBe([.. expected.Signatures.Concat(expected.RedactedData)], ignoreOrder: true);
        actual.Calls.Count.ShouldBe(expected.ToolCalls.Count);
        for (var i = 0; i < expected.ToolCalls.Count; i++)
        {
            actual.Calls[i].Id.ShouldBe(expected.ToolCalls[i].Id);
            actual.Calls[i].Name.ShouldBe(expected.ToolCalls[i].Name);
            JsonNode.DeepEquals(JsonNode.Parse(actual.Calls[i].Arguments), expected.ToolCalls[i].Arguments).ShouldBeTrue(actual.Calls[i].Arguments);
        }

        actual.Usages.Count.ShouldBe(1);
        actual.UsageOnLastUpdate.ShouldBeTrue();
        var usage = actual.Usages[0];
        usage.InputTokenCount.ShouldBe(expected.InputTokens + expected.CacheRead + expected.CacheCreation);
        usage.OutputTokenCount.ShouldBe(expected.OutputTokens);
        usage.CachedInputTokenCount.ShouldBe(expected.CacheRead);
        usage.ReasoningTokenCount.ShouldBe(expected.ThinkingTokens);
        usage.TotalTokenCount.ShouldBe(usage.InputTokenCount + usage.OutputTokenCount);

        updates[^1].AdditionalProperties!["finish_reason"].ShouldBe(expected.StopReason);
        actual.StopSequence.ShouldBe(expected.StopSequence);
        actual.Finish.ShouldBe(expected.StopReason switch
        {
            "tool_use" => ChatFinishReason.ToolCalls,
            "max_tokens" => ChatFinishReason.Length,
            _ => ChatFinishReason.Stop,
        });
        actual.MessageId.ShouldBe(expected.MessageId);
        actual.ModelId.ShouldBe(expected.Model);
        updates.ShouldAllBe(u => u.RawRepresentation is Maestro.Core.Providers.RawProviderEvent);
        updates.ShouldAllBe(u => u.Role == ChatRole.Assistant);
    }

    [Fact]
    public async Task Updates_carry_a_copy_of_their_event_only_when_raw_events_are_kept()
    {
        var bytes = RepoPaths.FixtureBytes(RepoPaths.Fixtures("anthropic/messages", "text-basic.sse").Single());
        var sent = Events(bytes).Select((e, i) =>
        {
            var start = i == 0 ? 0 : Events(bytes)[i - 1].End;
            var data = Encoding.UTF8.GetString(bytes, start, e.End - start).Split('\n').Single(l => l.StartsWith("data:", StringComparison.Ordinal))[5..];
            return (e.Type, Data: data.StartsWith(' ') ? data[1..] : data);
        }).ToList();

        var plain = await ReplayAsync(new MemoryStream(bytes), options: new Maestro.Core.Providers.Http.ProviderRuntimeOptions());
        plain.ShouldNotBeEmpty();
        plain.ShouldAllBe(u => u.RawRepresentation == null);

        var kept = await ReplayAsync(bytes);
        var raws = kept.Select(u => u.RawRepresentation.ShouldBeOfType<Maestro.Core.Providers.RawProviderEvent>()).ToList();
        Summarize(kept).Text.ShouldBe(Summarize(plain).Text);
        foreach (var raw in raws)
        {
            // The copy is exactly one event of the stream: its type and its data line.
            sent.ShouldContain((raw.EventType!, raw.DataText));
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Chunking_does_not_change_the_result(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var whole = Summarize(await ReplayAsync(bytes));
        var byteAtATime = Summarize(await ReplayAsync(ChunkedStream.ByteAtATime(bytes)));
        var perEvent = Summarize(await ReplayAsync(ChunkedStream.SplitAfter(bytes, "\n\n"u8.ToArray())));

        foreach (var other in new[] { byteAtATime, perEvent })
        {
            other.Text.ShouldBe(whole.Text);
            other.Reasoning.ShouldBe(whole.Reasoning);
            other.ProtectedData.ShouldBe(whole.ProtectedData);
            other.Calls.ShouldBe(whole.Calls);
            other.Errors.ShouldBeEmpty();
            other.Usages.Single().InputTokenCount.ShouldBe(whole.Usages.Single().InputTokenCount);
            other.Usages.Single().OutputTokenCount.ShouldBe(whole.Usages.Single().OutputTokenCount);
            other.Finish.ShouldBe(whole.Finish);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Truncation_at_any_event_before_message_stop_is_one_transport_error(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var full = Summarize(await ReplayAsync(bytes));
        var events = Events(bytes);
        var stop = events.FindIndex(e => e.Type == "message_stop");
        stop.ShouldBeGreaterThan(0);
        foreach (var cut in events.Take(stop).Select(e => e.End).Prepend(0))
        {
            var updates = await ReplayAsync(bytes[..cut]);
            var summary = Summarize(updates);
            summary.Errors.Count.ShouldBe(1, $"cut at {cut}");
            summary.Errors[0].ErrorCode.ShouldBe("transport");
            updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>();
            summary.Usages.ShouldBeEmpty();
            updates.ShouldAllBe(u => u.FinishReason == null);
            full.Text.ShouldStartWith(summary.Text);
            full.Reasoning.ShouldStartWith(summary.Reasoning);
            summary.Calls.Count.ShouldBeLessThanOrEqualTo(full.Calls.Count);
        }
    }

    [Fact]
    public async Task Text_basic_literal_expectations()
    {
        var updates = await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/text-basic.sse"));
        var summary = Summarize(updates);
        summary.Text.ShouldBe("- Captain\n- Scoop");
        summary.MessageId.ShouldBe("msg_017A4s3HAsrqf5d2WvBmrpLr");
        summary.ModelId.ShouldBe("claude-sonnet-4-5-20250929");
        summary.Usages[0].InputTokenCount.ShouldBe(17);
        summary.Usages[0].OutputTokenCount.ShouldBe(10);
        summary.Usages[0].CachedInputTokenCount.ShouldBe(0);
        summary.Finish.ShouldBe(ChatFinishReason.Stop);
        updates.OfType<ChatResponseUpdate>().SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text)
            .ShouldBe(["-", " Captain", "\n- Sc", "oop"]);
    }

    [Fact]
    public async Task Stop_sequence_is_reported()
    {
        var summary = Summarize(await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/text-stop-sequence.sse")));
        summary.Finish.ShouldBe(ChatFinishReason.Stop);
        summary.StopSequence.ShouldBe("```");
        summary.Text.ShouldStartWith("\ndef pelican():");
        summary.Usages[0].OutputTokenCount.ShouldBe(28);
    }

    [Fact]
    public async Task Tool_call_arguments_are_joined_and_parsed()
    {
        var updates = await ReplayAsync(ChunkedStream.ByteAtATime(RepoPaths.FixtureBytes("anthropic/messages/tool-use-single.sse")));
        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        call.CallId.ShouldBe("toolu_01MKSN7NHsBVKr7Jvw5pqCQq");
        call.Name.ShouldBe("weather");
        call.Exception.ShouldBeNull();
        ((JsonElement)call.Arguments!["latitude"]!).GetString().ShouldBe("52.5200");
        ((JsonElement)call.Arguments["longitude"]!).GetString().ShouldBe("13.4050");
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task Parallel_calls_without_arguments_get_empty_arguments()
    {
        var calls = (await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/tool-use-parallel-no-args.sse")))
            .SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.CallId).ShouldBe(["toolu_01LtHJmixrs9NcWQkK8hu8hj", "toolu_01N8a4jWyf116qKTMqKKmjyt"]);
        calls.ShouldAllBe(c => c.Name == "pelican_name_generator" && c.Arguments != null && c.Arguments.Count == 0);
    }

    [Fact]
    public async Task Thinking_deltas_then_signature_coalesce_into_one_replayable_reasoning()
    {
        var updates = await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/thinking-tool-use.sse"));
        var response = updates.ToChatResponse();
        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Single();
        reasoning.Text.ShouldStartWith("The user wants me to:\n1. Use the fixed_version tool");
        reasoning.ProtectedData!.ShouldStartWith("EoQDCm0IDhgCKkCDzGs2");
        response.Usage!.ReasoningTokenCount.ShouldBe(53);
        response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single().Name.ShouldBe("fixed_version");
    }

    [Fact]
    public async Task Redacted_thinking_is_kept_and_marked()
    {
        var updates = await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/redacted-thinking.sse"));
        var redacted = updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().ToList();
        redacted.Count.ShouldBe(2);
        redacted.ShouldAllBe(r => r.Text == "" && r.ProtectedData!.Length > 0 && (bool)r.AdditionalProperties!["redacted"]! == true);
        redacted[0].ProtectedData!.ShouldStartWith("EqkECkYIBxgCKkA8AZ4n");
        Summarize(updates).Text.ShouldStartWith("I notice that you've sent what");
    }

    [Fact]
    public async Task Server_tools_are_surfaced_as_data_not_calls()
    {
        var updates = await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/server-tool-code-execution.sse"));
        updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ShouldBeEmpty();
        var use = updates.Select(u => u.AdditionalProperties).Where(p => p?.ContainsKey("server_tool_use") == true)
            .Select(p => (JsonElement)p!["server_tool_use"]!).Single();
        use.GetProperty("name").GetString().ShouldBe("bash_code_execution");
        use.GetProperty("input").GetProperty("command").GetString().ShouldBe("echo \"65465-6544 * 65464-6+1.02255\" | bc -l");
        var result = updates.Select(u => u.AdditionalProperties).Where(p => p?.ContainsKey("server_tool_result") == true)
            .Select(p => (JsonElement)p!["server_tool_result"]!).Single();
        result.GetProperty("content").GetProperty("stdout").GetString().ShouldBe("-428330955.97745\n");
        Summarize(updates).Usages[0].InputTokenCount.ShouldBe(4714);
    }

    [Fact]
    public async Task Citations_are_kept_beside_the_text()
    {
        var updates = await ReplayAsync(RepoPaths.FixtureBytes("anthropic/messages/web-search-citations.sse"));
        var citations = updates.Where(u => u.AdditionalProperties?.ContainsKey("citation") == true).ToList();
        citations.Count.ShouldBe(AnthropicReferenceExtraction.From(File.ReadAllText(RepoPaths.Fixture("anthropic/messages/web-search-citations.sse"))).Citations);
        ((JsonElement)citations[0].AdditionalProperties!["citation"]!).GetProperty("url").GetString().ShouldBe("https://www.ruby-lang.org/en/downloads/");
        updates.Count(u => u.AdditionalProperties?.ContainsKey("server_tool_use") == true).ShouldBe(1);
    }

    [Fact]
    public async Task Multibyte_utf8_split_across_reads_survives()
    {
        const string text = "Pelican 🐦 鹈鹕 — ünïcödé 🚀";
        var sse = Synthetic(
            Delta(0, "Pelican 🐦 "),
            Delta(0, "鹈鹕 — ünïcödé"),
            Delta(0, " 🚀"));
        var bytes = Encoding.UTF8.GetBytes(sse);
        Summarize(await ReplayAsync(ChunkedStream.ByteAtATime(bytes))).Text.ShouldBe(text);
        Summarize(await ReplayAsync(bytes)).Text.ShouldBe(text);

        // Escaped forms in tool arguments unescape the same way.
        var toolSse = Synthetic(
            """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"say","input":{}}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"text\": \"\\u9e48"}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\u9e55 🐦\"}"}}""",
            """{"type":"content_block_stop","index":1}""");
        var call = (await ReplayAsync(ChunkedStream.ByteAtATime(Encoding.UTF8.GetBytes(toolSse))))
            .SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        ((JsonElement)call.Arguments!["text"]!).GetString().ShouldBe("鹈鹕 🐦");
    }

    [Fact]
    public async Task Unknown_event_types_and_delta_types_are_ignored()
    {
        var sse = Synthetic(
            Delta(0, "a"),
            """{"type":"content_block_delta","index":0,"delta":{"type":"future_delta","x":1}}""",
            Delta(0, "b")).Replace(
            "event: message_stop", "event: future_event\ndata: {\"type\":\"future_event\",\"v\":[1,2]}\n\nevent: message_stop", StringComparison.Ordinal);
        var summary = Summarize(await ReplayAsync(Encoding.UTF8.GetBytes(sse)));
        summary.Text.ShouldBe("ab");
        summary.Errors.ShouldBeEmpty();
        summary.Usages.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Events_without_an_event_line_are_read_by_their_json_type()
    {
        var sse = string.Join("", Synthetic(Delta(0, "hi")).Split('\n').Where(l => !l.StartsWith("event:", StringComparison.Ordinal)).Select(l => l + "\n"));
        var summary = Summarize(await ReplayAsync(Encoding.UTF8.GetBytes(sse)));
        summary.Text.ShouldBe("hi");
        summary.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_error_event_mid_stream_is_one_error_after_the_text_so_far()
    {
        var sse = Synthetic(Delta(0, "partial")).Replace(
            "event: content_block_stop",
            "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}      }\n\nevent: content_block_stop",
            StringComparison.Ordinal);
        var updates = await ReplayAsync(Encoding.UTF8.GetBytes(sse));
        var summary = Summarize(updates);
        summary.Text.ShouldBe("partial");
        summary.Errors.Count.ShouldBe(1);
        summary.Errors[0].ErrorCode.ShouldBe("overloaded");
        summary.Errors[0].Details.ShouldBe("Overloaded");
        updates[^1].Contents.Single().ShouldBeOfType<ErrorContent>();
        summary.Usages.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_malformed_event_is_a_transport_error()
    {
        var sse = Synthetic(Delta(0, "ok"), """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"br""");
        var summary = Summarize(await ReplayAsync(Encoding.UTF8.GetBytes(sse)));
        summary.Text.ShouldBe("ok");
        summary.Errors.Single().ErrorCode.ShouldBe("transport");
        summary.Errors.Single().Message.ShouldContain("not valid JSON");
    }

    [Fact]
    public async Task Valid_json_of_the_wrong_shape_is_a_transport_error()
    {
        var sse = Synthetic("""{"type":"content_block_delta","index":"zero","delta":{"type":"text_delta","text":"x"}}""");
        Summarize(await ReplayAsync(Encoding.UTF8.GetBytes(sse))).Errors.Single().ErrorCode.ShouldBe("transport");
    }

    internal static string Delta(int index, string text) =>
        $$"""{"type":"content_block_delta","index":{{index}},"delta":{"type":"text_delta","text":{{JsonSerializer.Serialize(text)}}}   }""";

    /// <summary>A complete stream around the given content events (one text block at index 0 is opened first).</summary>
    internal static string Synthetic(params string[] contentEvents)
    {
        var sse = new StringBuilder();
        Add("message_start", """{"type":"message_start","message":{"id":"msg_synthetic","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"cache_read_input_tokens":3,"cache_creation_input_tokens":2,"output_tokens":1}}}""");
        Add("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        Add("ping", """{"type": "ping"}""");
        foreach (var e in contentEvents)
        {
            using var document = JsonDocument.Parse(e.Length > 0 && e.EndsWith('}') ? e : "{}");
            var type = document.RootElement.TryGetProperty("type", out var t) ? t.GetString()! : "content_block_delta";
            Add(type, e);
        }

        Add("content_block_stop", """{"type":"content_block_stop","index":0}""");
        Add("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}""");
        Add("message_stop", """{"type":"message_stop"}""");
        return sse.ToString();

        void Add(string type, string data) => sse.Append("event: ").Append(type).Append("\ndata: ").Append(data).Append("\n\n");
    }
}
