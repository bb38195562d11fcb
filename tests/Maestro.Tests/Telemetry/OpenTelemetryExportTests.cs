using System.Net;
using System.Net.Http.Json;
using Maestro.Core.Auths;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Telemetry;

/// <summary>
/// With an OTLP endpoint configured, a turn started over the API exports its trace — the request's server span, the
/// turn's invoke_agent span, a chat span per model round with the HTTP client span beneath, the execute_tool span, and
/// database spans — and the GenAI token-usage metric, to a recording OTLP/HTTP receiver.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class OpenTelemetryExportTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _authName = $"otel{Guid.NewGuid():N}"[..20];
    private readonly string _key = $"sk-otel-{Guid.NewGuid():N}";
    private OtlpReceiver _receiver = null!;
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;
    private WebServer _server = null!;
    private string _workdir = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "otel");
        _env.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.Endpoint.ToString();
        _env.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        _env.Settings["OTEL_SERVICE_NAME"] = "maestro-otel-test";
        _env.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        // Activity listeners are process-wide: beside this test's server, every test running in parallel feeds this
        // exporter, and the default queue (2,048 spans) would drop some of the spans this test waits for.
        _env.Settings["OTEL_BSP_MAX_QUEUE_SIZE"] = "200000";
        _env.Settings["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "4096";
        _env.Settings["OTEL_METRIC_EXPORT_INTERVAL"] = "300";
        _server = await WebServer.StartAsync(_env);
        _workdir = TestHome.Create("otel-work");
        await File.WriteAllTextAsync(Path.Combine(_workdir, "notes.txt"), "alpha\nbeta\n", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
        TestHome.Delete(_workdir);
    }

    [Fact]
    public async Task A_turn_with_a_tool_call_exports_its_spans_from_the_request_to_the_provider_and_the_token_metric()
    {
        var services = _server.App.Services;
        await services.GetRequiredService<AuthService>().CreateApiKeyAsync(
            "anthropic", _authName, _key, _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString(), Ct);
        var session = await services.GetRequiredService<SessionService>().CreateAsync(new SessionSpec
        {
            Name = _authName,
            Auth = $"anthropic/{_authName}",
            Model = "claude-sonnet-4-5",
            WorkingDirectory = _workdir,
        }, Ct);
        _emulator.Control.Enqueue(_key,
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path": "notes.txt"}""")),
            ScriptedResponse.FromText("notes.txt holds alpha and beta."));

        using var events = services.GetRequiredService<SessionEventHub>().Subscribe(session.Id);
        var started = await _server.Client.PostAsJsonAsync($"/api/sessions/{session.Name}/turns", new { text = "What is in notes.txt?" }, Ct);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await foreach (var e in events.Reader.ReadAllAsync(Ct))
        {
            if (e.Type == SessionEventTypes.TurnFinished)
            {
                e.Turn!.Status.ShouldBe("completed");
                break;
            }
        }

        var auth = $"anthropic/{_authName}";
        var missing = "";
        try
        {
            await _receiver.WaitAsync(r => (missing = Missing(r, auth)).Length == 0, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Still missing: {missing}.", e);
        }

        var turn = _receiver.Spans.Single(s => s["gen_ai.operation.name"] == "invoke_agent" && s["gen_ai.agent.name"] == session.Name);
        turn.Name.ShouldBe($"invoke_agent {session.Name}");
        turn["maestro.auth"].ShouldBe(auth);
        var trace = _receiver.Spans.Where(s => s.TraceId == turn.TraceId).ToList();

        // The click: the API request's server span is the turn's parent.
        var request = trace.Single(s => s.SpanId == turn.ParentSpanId);
        request.Kind.ShouldBe(2, "a server span");
        request["http.route"].ShouldBe("/api/sessions/{session}/turns");

        var chats = trace.Where(s => s["gen_ai.operation.name"] == "chat").ToList();
        chats.Count.ShouldBe(2, "a model round before the tool call and one after");
        foreach (var chat in chats)
        {
            chat.ParentSpanId.ShouldBe(turn.SpanId);
            chat.Name.ShouldBe("chat claude-sonnet-4-5");
            chat.Kind.ShouldBe(3, "a client span");
            chat["gen_ai.provider.name"].ShouldBe("anthropic");
            chat["gen_ai.request.model"].ShouldBe("claude-sonnet-4-5");
            chat["gen_ai.response.model"].ShouldNotBeNullOrEmpty();
            long.Parse(chat["gen_ai.usage.input_tokens"]!).ShouldBeGreaterThan(0);
            long.Parse(chat["gen_ai.usage.output_tokens"]!).ShouldBeGreaterThan(0);
            chat["maestro.auth"].ShouldBe(auth);

            // The provider call itself, beneath the chat span.
            var http = trace.Single(s => s.ParentSpanId == chat.SpanId && s.Kind == 3 && s["http.request.method"] == "POST");
            (http["url.full"] ?? "").ShouldContain("/anthropic/v1/messages");
        }

        chats.Select(c => c["gen_ai.response.finish_reasons"]).ShouldBe(["tool_calls", "stop"], ignoreOrder: true);
        var tool = trace.Single(s => s["gen_ai.operation.name"] == "execute_tool");
        tool.ParentSpanId.ShouldBe(turn.SpanId);
        tool.Name.ShouldBe("execute_tool read_file");
        tool["gen_ai.tool.call.id"].ShouldNotBeNullOrEmpty();
        tool["gen_ai.tool.call.arguments"].ShouldBeNull("message content is off unless asked for");
        trace.ShouldContain(s => s["db.system.name"] == "postgresql" || s["db.system"] == "postgresql", "database spans are part of the trace");

        // The auth by its name, never its key.
        _receiver.Spans.ShouldAllBe(s => s.Attributes.Values.All(v => !v.Contains(_key)));

        var tokens = _receiver.Points.Where(p => p.Metric == "gen_ai.client.token.usage" && p.Attributes.GetValueOrDefault("maestro.auth") == auth).ToList();
        tokens.Select(p => p.Attributes["gen_ai.token.type"]).Distinct().ShouldBe(["input", "output"], ignoreOrder: true);
        tokens.ShouldAllBe(p => p.Attributes["gen_ai.provider.name"] == "anthropic" && p.Attributes["gen_ai.request.model"] == "claude-sonnet-4-5");
        tokens.Where(p => p.Attributes["gen_ai.token.type"] == "output").Max(p => p.Count).ShouldBeGreaterThanOrEqualTo(2);
    }

    /// <summary>What the receiver has not got yet (empty when everything arrived); spans come in export batches.</summary>
    private static string Missing(OtlpReceiver r, string auth)
    {
        var missing = new List<string>();
        var chats = r.Spans.Count(s => s["maestro.auth"] == auth && s["gen_ai.operation.name"] == "chat");
        if (chats < 2)
        {
            missing.Add($"two chat spans (have {chats})");
        }

        if (!r.Spans.Any(s => s["gen_ai.operation.name"] == "execute_tool" && s["gen_ai.tool.name"] == "read_file"))
        {
            missing.Add("the execute_tool span");
        }

        // Cumulative histogram points: an export may come before the second round's usage was recorded.
        if (!r.Points.Any(p => p.Metric == "gen_ai.client.token.usage" && p.Attributes.GetValueOrDefault("maestro.auth") == auth &&
                               p.Attributes.GetValueOrDefault("gen_ai.token.type") == "output" && p.Count >= 2))
        {
            missing.Add("the token usage metric of both rounds");
        }

        var turn = r.Spans.FirstOrDefault(t => t["gen_ai.operation.name"] == "invoke_agent" && t["maestro.auth"] == auth);
        if (turn is null)
        {
            missing.Add("the invoke_agent span");
        }
        else if (!r.Spans.Any(s => s.SpanId == turn.ParentSpanId))
        {
            missing.Add($"the turn's parent span {turn.ParentSpanId} (spans in its trace: {string.Join(", ", r.Spans.Where(s => s.TraceId == turn.TraceId).Select(s => s.Name))})");
        }

        return string.Join("; ", missing);
    }
}
