using System.Text;
using System.Text.Json.Nodes;
using Maestro.Emulator;

namespace Maestro.Tests.Emulator;

/// <summary>Emulated streams have the recorded streams' event kinds, order, field names and framing.</summary>
public sealed class WireFormatTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    public static TheoryData<string, string, string> Pairs => new()
    {
        // api, recorded fixture, emulated scenario (see EmulateAsync)
        { Api.AnthropicMessages, "text-basic", "text" },
        { Api.AnthropicMessages, "thinking-text", "thinking" },
        { Api.AnthropicMessages, "tool-use-single", "one-call" },
        { Api.AnthropicMessages, "tool-use-parallel-no-args", "two-calls-no-args" },
        { Api.AnthropicMessages, "thinking-tool-use", "thinking-no-arg-call" },
        { Api.OpenAIResponses, "text-reasoning-model", "text-non-reasoning-model" },
        { Api.OpenAIResponses, "reasoning-item-function-call", "reasoning-model-call" },
        { Api.OpenAIResponses, "reasoning-summary-function-call", "summary-call" },
        { Api.OpenAIChat, "text-usage", "text" },
        { Api.OpenAIChat, "tool-calls-parallel", "two-calls-no-args" },
        { Api.OpenAIChat, "tool-call-single", "one-call" },
        { Api.GeminiGenerate, "text", "text" },
        { Api.GeminiGenerate, "function-call", "one-call" },
        { Api.GeminiGenerate, "thought-parts-2-5-pro", "thinking" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Emulated_stream_has_the_recorded_event_sequence(string apiName, string fixture, string scenario)
    {
        var ct = TestContext.Current.CancellationToken;
        var recorded = await WireShape.ParseAsync(FixtureFiles.Read(apiName, fixture), ct);
        var emulated = await WireShape.ParseAsync(await EmulateAsync(apiName, scenario, ct), ct);

        WireShape.Kinds(apiName, emulated).ShouldBe(WireShape.Kinds(apiName, recorded));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Emulated_events_use_only_field_names_the_provider_sends(string apiName, string fixture, string scenario)
    {
        var ct = TestContext.Current.CancellationToken;
        var recordedFields = new Dictionary<string, HashSet<string>>();
        foreach (var (api, name) in FixtureFiles.Streams().Where(r => r.Api == apiName))
        {
            foreach (var (kind, paths) in WireShape.Fields(apiName, await WireShape.ParseAsync(FixtureFiles.Read(api, name), ct)))
            {
                recordedFields.TryAdd(kind, []);
                recordedFields[kind].UnionWith(paths);
            }
        }

        var emulated = WireShape.Fields(apiName, await WireShape.ParseAsync(await EmulateAsync(apiName, scenario, ct), ct));
        foreach (var (kind, paths) in emulated)
        {
            recordedFields.ShouldContainKey(kind);
            var invented = paths.Where(p => !recordedFields[kind].Contains(p) && !IsEchoedRequestField(p)).ToList();
            invented.ShouldBeEmpty($"{kind} carries fields no recording has: {string.Join(", ", invented)} (fixture {fixture})");
        }
    }

    [Theory]
    [InlineData(Api.AnthropicMessages)]
    [InlineData(Api.OpenAIResponses)]
    public async Task Event_and_data_framing(string apiName)
    {
        var text = Encoding.UTF8.GetString(await EmulateAsync(apiName, "text", TestContext.Current.CancellationToken));
        text.ShouldNotContain("\r");
        foreach (var block in text.Split("\n\n").SkipLast(1))
        {
            var lines = block.Split('\n');
            lines.Length.ShouldBe(2);
            lines[0].ShouldStartWith("event: ");
            lines[1].ShouldStartWith("data: {\"type\":");
            lines[1].ShouldContain("\"" + lines[0]["event: ".Length..] + "\"");
        }

        text.ShouldEndWith("\n\n");
    }

    [Fact]
    public async Task Anthropic_pads_data_lines_and_sends_the_recorded_ping()
    {
        var text = Encoding.UTF8.GetString(await EmulateAsync(Api.AnthropicMessages, "text", TestContext.Current.CancellationToken));
        text.ShouldContain("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        text.ShouldContain(" }\n\n");
    }

    [Fact]
    public async Task Chat_completions_framing_ends_with_done()
    {
        var text = Encoding.UTF8.GetString(await EmulateAsync(Api.OpenAIChat, "text", TestContext.Current.CancellationToken));
        text.ShouldNotContain("event:");
        text.Split("\n\n").SkipLast(1).ShouldAllBe(block => block.StartsWith("data: ", StringComparison.Ordinal) && !block.Contains('\n', StringComparison.Ordinal));
        text.ShouldEndWith("data: [DONE]\n\n");
    }

    [Fact]
    public async Task Gemini_framing_uses_crlf_and_google_spacing()
    {
        var text = Encoding.UTF8.GetString(await EmulateAsync(Api.GeminiGenerate, "text", TestContext.Current.CancellationToken));
        var blocks = text.Split("\r\n\r\n");
        blocks[^1].ShouldBeEmpty();
        blocks.SkipLast(1).ShouldAllBe(b => b.StartsWith("data: {\"candidates\": [", StringComparison.Ordinal) && !b.Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gemini_without_alt_sse_streams_one_json_array()
    {
        var ct = TestContext.Current.CancellationToken;
        var api = Api.For(Api.GeminiGenerate);
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "synthetic:4", stream: true);
        request.RequestUri = new Uri(request.RequestUri!.ToString().Replace("?alt=sse", "", StringComparison.Ordinal));
        using var response = await emulator.Http.SendAsync(request, ct);
        var array = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray();
        array.Count.ShouldBe(4);
        array[^1]!["candidates"]![0]!["finishReason"]!.GetValue<string>().ShouldBe("STOP");
    }

    [Fact]
    public async Task Responses_reasoning_item_carries_encrypted_content_only_when_included()
    {
        var ct = TestContext.Current.CancellationToken;
        var with = Encoding.UTF8.GetString(await EmulateAsync(Api.OpenAIResponses, "reasoning-model-call", ct));
        with.ShouldContain("\"encrypted_content\":\"gAAAAAB");

        var api = Api.For(Api.OpenAIResponses);
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "gpt-5", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);
        var without = await response.Content.ReadAsStringAsync(ct);
        without.ShouldContain("\"type\":\"reasoning\"");
        without.ShouldNotContain("encrypted_content");
    }

    [Fact]
    public async Task Length_finish_ends_a_responses_stream_with_response_incomplete()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Text = "cut short", Finish = "length" });
        var api = Api.For(Api.OpenAIResponses);
        using var request = api.Request(emulator.Server.BaseUrl, key, "gpt-4.1", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);
        var events = await Api.ReadEventsAsync(response, ct);
        events[^1].EventType.ShouldBe("response.incomplete");
        events[^1].Data.ShouldContain("\"reason\":\"max_output_tokens\"");
    }

    [Fact]
    public async Task Anthropic_stop_sequence_is_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Text = "def f():", StopSequence = "```" });
        var api = Api.For(Api.AnthropicMessages);
        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: false);
        using var response = await emulator.Http.SendAsync(request, ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        body["stop_reason"]!.GetValue<string>().ShouldBe("stop_sequence");
        body["stop_sequence"]!.GetValue<string>().ShouldBe("```");
    }

    /// <summary>Paths that hold request data rather than wire structure: echoed Responses tools, Gemini call arguments.</summary>
    private static bool IsEchoedRequestField(string path) =>
        path.StartsWith("response.tools[]", StringComparison.Ordinal) || path.Contains(".functionCall.args.", StringComparison.Ordinal);

    private async Task<byte[]> EmulateAsync(string apiName, string scenario, CancellationToken ct)
    {
        var api = Api.For(apiName);
        var key = EmulatorFixture.NewKey();
        var model = api.DefaultModel;
        Action<JsonObject>? body = null;
        switch (scenario)
        {
            case "text":
                model = "synthetic:6";
                break;
            case "thinking":
                model = "synthetic:6";
                body = apiName == Api.AnthropicMessages
                    ? b => b["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 1024 }
                    : b => b["generationConfig"] = new JsonObject { ["thinkingConfig"] = new JsonObject { ["includeThoughts"] = true } };
                break;
            case "one-call":
                model = apiName == Api.GeminiGenerate ? "gemini-2.0-flash" : model;
                emulator.Server.Control.Enqueue(key, ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("weather", """{"latitude":"52.5200","longitude":"13.4050"}""")));
                break;
            case "two-calls-no-args":
                emulator.Server.Control.Enqueue(key, ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("get_country"), ScriptedToolCall.Create("get_product_name")));
                break;
            case "thinking-no-arg-call":
                emulator.Server.Control.Enqueue(key, new ScriptedResponse { Reasoning = "Call the tool first.", ToolCalls = [ScriptedToolCall.Create("fixed_version")] });
                break;
            case "text-non-reasoning-model":
                model = "gpt-4.1";
                break;
            case "reasoning-model-call":
                body = b => b["include"] = new JsonArray { "reasoning.encrypted_content" };
                emulator.Server.Control.Enqueue(key, ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("final_result", """{"result":6666}""")));
                break;
            case "summary-call":
                body = b =>
                {
                    b["include"] = new JsonArray { "reasoning.encrypted_content" };
                    b["reasoning"] = new JsonObject { ["effort"] = "high", ["summary"] = "detailed" };
                };
                emulator.Server.Control.Enqueue(key, new ScriptedResponse { Reasoning = "Add first, then multiply.", ToolCalls = [ScriptedToolCall.Create("calculator", """{"a":12,"b":7,"op":"add"}""")] });
                break;
        }

        using var request = api.Request(emulator.Server.BaseUrl, key, model, stream: true, body: body);
        using var response = await emulator.Http.SendAsync(request, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }
}
