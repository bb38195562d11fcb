using System.Text;
using System.Text.Json;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using static Maestro.Tests.Providers.Gemini.GeminiStreamHarness;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>Every recorded Gemini stream replays with exactly what its raw events carry, however the bytes are cut.</summary>
public sealed class GeminiStreamConformanceTests
{
    public static TheoryData<string> Fixtures => [.. RepoPaths.Fixtures("gemini/generate-content", "*.sse")];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_yields_the_text_reasoning_calls_and_usage_the_stream_carries(string fixture)
    {
        var expected = GeminiFixtureReference.Load(fixture);
        var updates = await ReadAsync(RepoPaths.FixtureBytes(fixture));

        Errors(updates).ShouldBeEmpty();
        Text(updates).ShouldBe(expected.Text);
        Reasoning(updates).ShouldBe(expected.Reasoning);
        Signatures(updates).ShouldBe(expected.Signatures);

        var calls = Calls(updates);
        calls.Count.ShouldBe(expected.Calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            var (id, name, args, signature) = expected.Calls[i];
            calls[i].Name.ShouldBe(name);
            calls[i].Exception.ShouldBeNull();
            if (id is not null)
            {
                calls[i].CallId.ShouldBe(id);
            }

            calls[i].Arguments.ShouldNotBeNull();
            calls[i].Arguments!.Count.ShouldBe(args.EnumerateObject().Count());
            foreach (var property in args.EnumerateObject())
            {
                JsonElement.DeepEquals((JsonElement)calls[i].Arguments![property.Name]!, property.Value).ShouldBeTrue(property.Name);
            }

            calls[i].AdditionalProperties?.GetValueOrDefault("thought_signature").ShouldBe(signature);
        }

        calls.Select(c => c.CallId).Distinct().Count().ShouldBe(calls.Count);

        var code = updates.SelectMany(u => u.Contents).OfType<CodeInterpreterToolCallContent>().ToList();
        code.Select(c => Encoding.UTF8.GetString(((DataContent)c.Inputs![0]).Data.Span)).ShouldBe(expected.Code);
        var outputs = updates.SelectMany(u => u.Contents).OfType<CodeInterpreterToolResultContent>().ToList();
        outputs.Select(o => ((TextContent)o.Outputs![0]).Text).ShouldBe(expected.CodeOutputs);

        // Exactly one usage, at the very end, with the last usageMetadata's numbers.
        var usages = Usages(updates);
        usages.Count.ShouldBe(1);
        updates[^1].Contents.ShouldContain(usages[0]);
        var usage = usages[0].Details;
        usage.InputTokenCount.ShouldBe(expected.Count("promptTokenCount") + expected.Count("toolUsePromptTokenCount"));
        usage.OutputTokenCount.ShouldBe(expected.Count("candidatesTokenCount") + expected.Count("thoughtsTokenCount"));
        usage.ReasoningTokenCount.ShouldBe(expected.Count("thoughtsTokenCount"));
        usage.CachedInputTokenCount.ShouldBe(expected.Count("cachedContentTokenCount"));
        usage.TotalTokenCount.ShouldBe(expected.Count("totalTokenCount"));

        updates[^1].FinishReason.ShouldBe(calls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop);
        updates[^1].AdditionalProperties!["finish_reason"].ShouldBe(expected.FinishReason);
        updates.Take(updates.Count - 1).ShouldAllBe(u => u.FinishReason == null);
        updates.ShouldAllBe(u => u.RawRepresentation is Maestro.Core.Providers.RawProviderEvent);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_gives_identical_results_however_the_bytes_are_cut(string fixture)
    {
        var data = RepoPaths.FixtureBytes(fixture);
        var whole = Dump(await ReadAsync(data));
        Dump(await ReadAsync(ChunkedStream.ByteAtATime(data))).ShouldBe(whole);
        Dump(await ReadAsync(ChunkedStream.SplitAfter(data, "\r\n\r\n"u8.ToArray()))).ShouldBe(whole);
        Dump(await ReadAsync(new ChunkedStream(data, [.. ChunkedStream.EventEnds(data).Select(e => e - 3)]))).ShouldBe(whole);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_truncated_before_its_completion_event_ends_with_one_transport_error(string fixture)
    {
        var data = RepoPaths.FixtureBytes(fixture);
        var reference = GeminiFixtureReference.Load(fixture);
        var ends = ChunkedStream.EventEnds(data);
        var cuts = new List<int> { 0 };
        cuts.AddRange(ends.Take(reference.CompletionEvent));
        // Also mid-event: half of the completion event arrived.
        var completionStart = reference.CompletionEvent == 0 ? 0 : ends[reference.CompletionEvent - 1];
        cuts.Add(completionStart + ((ends[reference.CompletionEvent] - completionStart) / 2));

        var full = await ReadAsync(data);
        foreach (var cut in cuts)
        {
            var updates = await ReadAsync(ChunkedStream.ByteAtATime(data[..cut]));
            var errors = Errors(updates);
            errors.Count.ShouldBe(1, $"cut at {cut}");
            errors[0].ErrorCode.ShouldBe("transport");
            errors[0].Message.ShouldContain("127.0.0.1:9");
            updates[^1].Contents.ShouldContain(errors[0]);
            Usages(updates).ShouldBeEmpty();
            updates.ShouldAllBe(u => u.FinishReason == null);
            Text(full).ShouldStartWith(Text(updates));
            Reasoning(full).ShouldStartWith(Reasoning(updates));
        }
    }

    [Fact]
    public async Task Text_fixture_pins_its_literal_values()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/text.sse"), "gemini-2.0-flash-exp");

        updates.Count.ShouldBe(4);
        updates[0].Text.ShouldBe("The");
        Text(updates).ShouldBe("The capital of France is Paris.\n");
        updates[0].ResponseId.ShouldBe("w1peaMz6INOvnvgPgYfPiQY");
        updates[0].MessageId.ShouldBe("w1peaMz6INOvnvgPgYfPiQY");
        updates[0].ModelId.ShouldBe("gemini-2.0-flash-exp");
        updates[0].Role.ShouldBe(ChatRole.Assistant);
        var usage = Usages(updates).Single().Details;
        (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount).ShouldBe((13L, 8L, 21L));
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Function_call_fixture_gets_a_generated_stable_id()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/function-call.sse"), "gemini-2.0-flash");

        var call = Calls(updates).Single();
        call.Name.ShouldBe("get_capital");
        call.CallId.ShouldBe("call_1lpeaMTxIpW1nvgP-O3vwQY_0");
        ((JsonElement)call.Arguments!["country"]!).GetString().ShouldBe("France");
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        updates[^1].AdditionalProperties!["finish_reason"].ShouldBe("STOP");
    }

    [Fact]
    public async Task Function_call_thought_signature_is_kept_on_the_call()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/function-call-thought-signature-2-5.sse"));

        var call = Calls(updates).Single();
        call.Name.ShouldBe("weather");
        ((string)call.AdditionalProperties!["thought_signature"]!).ShouldStartWith("CiQBEU0yD1hCYiUo");
        updates[^1].AdditionalProperties!["finish_message"].ShouldBe("Model generated function call(s).");
        Signatures(updates).ShouldBeEmpty();
    }

    [Fact]
    public async Task Gemini_3_call_with_empty_arguments_and_trailing_empty_text()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/function-call-thought-signature-3-pro.sse"), "gemini-3-pro-preview");

        var call = Calls(updates).Single();
        call.Name.ShouldBe("get_country");
        call.Arguments!.Count.ShouldBe(0);
        Text(updates).ShouldBe("");
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        var usage = Usages(updates).Single().Details;
        (usage.InputTokenCount, usage.OutputTokenCount, usage.ReasoningTokenCount, usage.TotalTokenCount).ShouldBe((29L, 212L, 202L, 241L));
    }

    [Fact]
    public async Task Thought_parts_become_reasoning_and_the_signature_follows_its_text()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/thought-parts-2-5-pro.sse"), "gemini-2.5-pro");

        Reasoning(updates).ShouldStartWith("**Clarifying User Goals**");
        Text(updates).ShouldStartWith("This is a great question!");
        var signed = updates.Single(u => u.Contents.OfType<TextReasoningContent>().Any(r => r.ProtectedData is not null));
        signed.Contents.Count.ShouldBe(2);
        signed.Contents[0].ShouldBeOfType<TextContent>().Text.ShouldStartWith("This is a great question!");
        signed.Contents[1].ShouldBeOfType<TextReasoningContent>().Text.ShouldBe("");
    }

    [Fact]
    public async Task Thoughts_token_accounting_reports_thoughts_as_output_and_reasoning()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/thoughts-token-accounting.sse"));

        var usage = Usages(updates).Single().Details;
        usage.InputTokenCount.ShouldBe(13);
        usage.OutputTokenCount.ShouldBe(71 + 137);
        usage.ReasoningTokenCount.ShouldBe(137);
        usage.TotalTokenCount.ShouldBe(221);
        (usage.InputTokenCount + usage.OutputTokenCount).ShouldBe(usage.TotalTokenCount);
    }

    [Fact]
    public async Task Code_execution_surfaces_the_code_and_its_output_and_counts_tool_use_tokens_as_input()
    {
        var updates = await ReadAsync(RepoPaths.FixtureBytes("gemini/generate-content/code-execution.sse"), "gemini-3-flash-preview");

        var call = updates.SelectMany(u => u.Contents).OfType<CodeInterpreterToolCallContent>().Single();
        call.CallId.ShouldBe("8xju7mua");
        call.AdditionalProperties!["language"].ShouldBe("PYTHON");
        ((string)call.AdditionalProperties["thought_signature"]!).ShouldStartWith("EqADCp0D");
        var result = updates.SelectMany(u => u.Contents).OfType<CodeInterpreterToolResultContent>().Single();
        result.CallId.ShouldBe("8xju7mua");
        ((TextContent)result.Outputs![0]).Text.ShouldBe("-428330955.97745\n");
        Text(updates).ShouldBe("The result of $65465 - 6544 \\times 65464 - 6 + 1.02255$ is **-428,330,955.97745**.");
        Signatures(updates).Count.ShouldBe(1);
        Calls(updates).ShouldBeEmpty();
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.Stop);

        var usage = Usages(updates).Single().Details;
        usage.InputTokenCount.ShouldBe(147 + 360);
        usage.OutputTokenCount.ShouldBe(108 + 168);
        usage.TotalTokenCount.ShouldBe(783);
        usage.AdditionalCounts!["tool_use_prompt_tokens"].ShouldBe(360);
    }

    [Fact]
    public async Task Multibyte_utf8_split_across_reads_survives()
    {
        const string first = "こんにちは 🌍";
        const string second = " 世界 — ünïcødé 👩‍💻";
        var data = Sse(
            $$$"""{"candidates": [{"content": {"parts": [{"text": "{{{first}}}"}],"role": "model"}}],"responseId": "r1"}""",
            $$"""{"candidates": [{"content": {"parts": [{"text": "{{second}}"}],"role": "model"},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 9,"totalTokenCount": 12},"responseId": "r1"}""");

        foreach (var stream in new[] { ChunkedStream.ByteAtATime(data), new ChunkedStream(data, [.. Enumerable.Range(1, data.Length / 2).Select(i => i * 2)]) })
        {
            var updates = await ReadAsync(stream);
            Errors(updates).ShouldBeEmpty();
            Text(updates).ShouldBe(first + second);
        }
    }

    [Fact]
    public async Task Unknown_events_parts_and_fields_are_ignored()
    {
        var data = Sse(
            "event: ping\r\ndata: {\"type\": \"ping\"}",
            """{"somethingNew": {"a": 1}}""",
            """{"candidates": [{"content": {"parts": [{"futurePart": {"x": [1, 2]}}, {"text": "Hi"}],"role": "model"},"safetyRatings": [],"groundingMetadata": {}}],"newTopLevel": true}""",
            """{"candidates": [{"content": {"parts": [{"text": "!"}],"role": "model"},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 1,"candidatesTokenCount": 2,"totalTokenCount": 3,"futureCount": 7}}""");

        var updates = await ReadAsync(data);

        Errors(updates).ShouldBeEmpty();
        Text(updates).ShouldBe("Hi!");
        Usages(updates).Single().Details.TotalTokenCount.ShouldBe(3);
    }

    [Fact]
    public async Task An_error_inside_the_stream_becomes_one_error_after_the_text_so_far()
    {
        var data = Sse(
            """{"candidates": [{"content": {"parts": [{"text": "Partial"}],"role": "model"}}]}""",
            """{"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}""",
            """{"candidates": [{"content": {"parts": [{"text": " never"}],"role": "model"},"finishReason": "STOP"}]}""");

        var updates = await ReadAsync(data);

        Text(updates).ShouldBe("Partial");
        var error = Errors(updates).Single();
        error.ErrorCode.ShouldBe("overloaded");
        error.Message.ShouldContain("The model is overloaded");
        updates[^1].Contents.ShouldContain(error);
    }

    [Fact]
    public async Task A_blocked_prompt_becomes_an_invalid_request_error_naming_the_reason()
    {
        var data = Sse("""{"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8}}""");

        var updates = await ReadAsync(data);

        var error = Errors(updates).Single();
        error.ErrorCode.ShouldBe("invalid_request");
        error.Message.ShouldContain("blocked");
        error.Message.ShouldContain("PROHIBITED_CONTENT");
        updates.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_malformed_event_is_a_transport_error()
    {
        var data = Sse(
            """{"candidates": [{"content": {"parts": [{"text": "ok"}],"role": "model"}}]}""",
            """{"candidates": [{"content": {"parts": [{"text": "broken""");

        var updates = await ReadAsync(data);

        Text(updates).ShouldBe("ok");
        var error = Errors(updates).Single();
        error.ErrorCode.ShouldBe("transport");
        error.Message.ShouldContain("not valid JSON");
    }

    [Theory]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("BLOCKLIST", "content_filter")]
    [InlineData("PROHIBITED_CONTENT", "content_filter")]
    [InlineData("SPII", "content_filter")]
    [InlineData("STOP", "stop")]
    [InlineData("OTHER", "stop")]
    public async Task Finish_reasons_map_to_the_normalized_ones(string raw, string expected)
    {
        var data = Sse($$"""{"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "{{raw}}"}]}""");

        var updates = await ReadAsync(data);

        updates[^1].FinishReason!.Value.Value.ShouldBe(expected);
        updates[^1].AdditionalProperties!["finish_reason"].ShouldBe(raw);
        Usages(updates).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Calls_with_gemini_ids_keep_them_and_parallel_calls_get_distinct_ids()
    {
        var data = Sse(
            """{"candidates": [{"content": {"parts": [{"functionCall": {"id": "abc", "name": "a", "args": {"n": 1}}}, {"functionCall": {"name": "b", "args": {"s": "x"}}}, {"functionCall": {"name": "b", "args": {"s": "y"}}}],"role": "model"},"finishReason": "STOP"}],"responseId": "resp9"}""");

        var calls = Calls(await ReadAsync(data));

        calls.Select(c => c.CallId).ShouldBe(["abc", "call_resp9_1", "call_resp9_2"]);
    }

    [Fact]
    public async Task Invalid_call_arguments_leave_arguments_null_with_the_exception_set()
    {
        var data = Sse("""{"candidates": [{"content": {"parts": [{"functionCall": {"name": "a", "args": [1, 2]}}],"role": "model"},"finishReason": "STOP"}],"responseId": "r"}""");

        var call = Calls(await ReadAsync(data)).Single();

        call.Arguments.ShouldBeNull();
        call.Exception.ShouldNotBeNull();
    }
}
