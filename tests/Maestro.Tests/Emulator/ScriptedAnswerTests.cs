using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Emulator;

namespace Maestro.Tests.Emulator;

public sealed class ScriptedAnswerTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static ScriptedResponse TextAndParallelCalls() => new()
    {
        Text = "Let me look at both files.",
        ToolCalls =
        [
            ScriptedToolCall.Create("read_file", """{"path":"src/Program.cs","lines":{"from":1,"to":40}}"""),
            ScriptedToolCall.Create("list_dir", """{"path":"docs","recursive":false,"note":"naïve — ünïcode ✓"}""", id: "call_fixed_id_1"),
        ],
        Usage = new ScriptedUsage { InputTokens = 10, OutputTokens = 20 },
    };

    [Theory]
    [MemberData(nameof(Api.AllWithStreaming), MemberType = typeof(Api))]
    public async Task Scripted_text_and_parallel_tool_calls_render_in_every_api(string apiName, bool stream)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, TextAndParallelCalls());

        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        string text;
        IReadOnlyList<(string? Id, string Name, string Arguments)> calls;
        (int Input, int Output) usage;
        if (stream)
        {
            var events = await Api.ReadEventsAsync(response, ct);
            api.HasCompletion(events).ShouldBeTrue();
            text = string.Concat(api.TextDeltas(events));
            calls = api.StreamToolCalls(events);
            usage = api.StreamUsage(events);
        }
        else
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            text = api.Text(body.RootElement);
            calls = api.ToolCalls(body.RootElement);
            usage = api.Usage(body.RootElement);
        }

        text.ShouldBe("Let me look at both files.");
        usage.ShouldBe((10, 20));
        calls.Count.ShouldBe(2);
        calls[0].Name.ShouldBe("read_file");
        calls[1].Name.ShouldBe("list_dir");
        JsonNode.DeepEquals(JsonNode.Parse(calls[0].Arguments), JsonNode.Parse("""{"path":"src/Program.cs","lines":{"from":1,"to":40}}""")).ShouldBeTrue();
        JsonNode.Parse(calls[1].Arguments)!["note"]!.GetValue<string>().ShouldBe("naïve — ünïcode ✓");
        if (apiName != Api.GeminiGenerate)
        {
            // Gemini has no call ids on the wire; the others generate one in their style or keep the scripted one.
            calls[0].Id.ShouldStartWith(apiName == Api.AnthropicMessages ? "toolu_01" : "call_");
            calls[1].Id.ShouldBe("call_fixed_id_1");
        }
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Tool_call_arguments_stream_in_several_fragments(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path":"a.txt","content":"hello world"}""")));

        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = await Api.ReadEventsAsync(response, ct);

        var fragments = apiName switch
        {
            Api.AnthropicMessages => events.Count(e => e.Data.Contains("input_json_delta", StringComparison.Ordinal)),
            Api.OpenAIResponses => events.Count(e => e.EventType == "response.function_call_arguments.delta"),
            Api.OpenAIChat => events.Count(e => e.Data.Contains("\"tool_calls\"", StringComparison.Ordinal)),
            _ => 1, // Gemini sends a function call whole, in one part.
        };
        if (apiName != Api.GeminiGenerate)
        {
            fragments.ShouldBeGreaterThan(2);
        }

        api.StreamToolCalls(events).Single().Name.ShouldBe("write_file");
    }

    [Fact]
    public async Task Scripts_keyed_by_different_credentials_do_not_interfere()
    {
        var api = Api.For(Api.AnthropicMessages);
        var ct = TestContext.Current.CancellationToken;
        var alice = EmulatorFixture.NewKey("alice");
        var bob = EmulatorFixture.NewKey("bob");
        emulator.Server.Control.Enqueue(alice, ScriptedResponse.FromText("for alice 1"), ScriptedResponse.FromText("for alice 2"));
        emulator.Server.Control.Enqueue(bob, ScriptedResponse.FromText("for bob"));

        async Task<string> AskAsync(string key)
        {
            using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: false);
            using var response = await emulator.Http.SendAsync(request, ct);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return api.Text(body.RootElement);
        }

        (await AskAsync(bob)).ShouldBe("for bob");
        (await AskAsync(alice)).ShouldBe("for alice 1");
        (await AskAsync(bob)).ShouldStartWith("This is an emulated answer");
        (await AskAsync(alice)).ShouldBe("for alice 2");
        emulator.Server.Control.PendingScripts(alice).ShouldBe(0);
    }

    [Fact]
    public async Task Parallel_requests_with_different_keys_each_get_their_own_script()
    {
        var api = Api.For(Api.OpenAIChat);
        var ct = TestContext.Current.CancellationToken;
        var keys = Enumerable.Range(0, 8).Select(i => EmulatorFixture.NewKey($"p{i}")).ToList();
        foreach (var key in keys)
        {
            emulator.Server.Control.Enqueue(key, ScriptedResponse.FromText("answer for " + key));
        }

        var answers = await Task.WhenAll(keys.Select(async key =>
        {
            using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true);
            using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return (key, text: string.Concat(api.TextDeltas(await Api.ReadEventsAsync(response, ct))));
        }));

        foreach (var (key, text) in answers)
        {
            text.ShouldBe("answer for " + key);
        }
    }

    [Fact]
    public async Task Rate_limit_then_success_can_be_scripted()
    {
        var api = Api.For(Api.OpenAIResponses);
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Fault = EmulatorFault.Parse("429"), RetryAfter = 0 }, ScriptedResponse.FromText("second time lucky"));

        using (var first = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true))
        using (var response = await emulator.Http.SendAsync(first, ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            response.Headers.GetValues("retry-after").Single().ShouldBe("0");
        }

        using var second = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true);
        using var ok = await emulator.Http.SendAsync(second, HttpCompletionOption.ResponseHeadersRead, ct);
        string.Concat(api.TextDeltas(await Api.ReadEventsAsync(ok, ct))).ShouldBe("second time lucky");
    }

    [Fact]
    public async Task Star_queue_answers_any_credential_but_a_keyed_script_comes_first()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);
        var api = Api.For(Api.GeminiGenerate);
        var ct = TestContext.Current.CancellationToken;
        server.Control.Enqueue("*", ScriptedResponse.FromText("from the star queue"));
        server.Control.Enqueue("mine", ScriptedResponse.FromText("mine"));
        using var http = new HttpClient();

        async Task<string> AskAsync(string key)
        {
            using var request = api.Request(server.BaseUrl, key, api.DefaultModel, stream: false);
            using var response = await http.SendAsync(request, ct);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return api.Text(body.RootElement);
        }

        (await AskAsync("mine")).ShouldBe("mine");
        (await AskAsync("anyone")).ShouldBe("from the star queue");
        (await AskAsync("anyone")).ShouldStartWith("This is an emulated answer");
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Scripted_reasoning_is_rendered_before_the_answer(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Reasoning = "First think, then answer.", Text = "Answer." });

        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = await Api.ReadEventsAsync(response, ct);
        string.Concat(api.TextDeltas(events)).ShouldBe("Answer.");

        var raw = string.Join("\n", events.Select(e => e.Data));
        switch (apiName)
        {
            case Api.AnthropicMessages:
                raw.ShouldContain("\"thinking_delta\"");
                raw.ShouldContain("\"signature_delta\"");
                break;
            case Api.OpenAIResponses:
                events.ShouldContain(e => e.EventType == "response.reasoning_summary_text.delta");
                break;
            case Api.OpenAIChat:
                raw.ShouldNotContain("First think"); // Chat Completions never streams reasoning text.
                break;
            default:
                raw.ShouldContain("\"thought\": true");
                raw.ShouldContain("\"thoughtSignature\"");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task A_held_stream_waits_after_its_first_tokens_until_the_gate_is_released(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        var gate = "gate-" + key;
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Text = "one two three four", Hold = gate, HoldAfterTokens = 2 });

        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await using var items = SseParser.Create(stream).EnumerateAsync(ct).GetAsyncEnumerator(ct);
        var events = new List<SseItem<string>>();
        while (string.Concat(api.TextDeltas(events)) != "one two ")
        {
            (await items.MoveNextAsync()).ShouldBeTrue("the stream ended before its first two tokens");
            events.Add(items.Current);
        }

        // Held: the next event does not come while the gate is closed.
        var next = items.MoveNextAsync().AsTask();
        (await Task.WhenAny(next, Task.Delay(300, ct))).ShouldNotBe(next, "the stream went on past its hold");

        (await emulator.Http.PostAsync(new Uri(emulator.Server.BaseUrl, $"/_emulator/holds/{gate}/release"), null, ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        while (await next)
        {
            events.Add(items.Current);
            next = items.MoveNextAsync().AsTask();
        }

        string.Concat(api.TextDeltas(events)).ShouldBe("one two three four");
        api.HasCompletion(events).ShouldBeTrue();
    }
}
