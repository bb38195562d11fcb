using System.Net;
using System.Net.Http.Json;
using System.Text;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Ui;

/// <summary>The chat page and its live stream over HTTP: fragments, throttled tail updates, and exact resume.</summary>
public sealed class ChatPageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;
    private WebServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "uichat");
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server = await WebServer.StartAsync(_env);
        (await _server.Client.PostAsJsonAsync("/api/auths", new
        {
            provider = "anthropic",
            name = "emu",
            api_key = "key-ui",
            base_url = _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString(),
        })).EnsureSuccessStatusCode();
        (await _server.Client.PostAsJsonAsync("/api/sessions", new { name = "talk", auth = "anthropic/emu", model = "claude-sonnet-4-5" })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task The_chat_page_renders_the_composer_and_connects_its_live_stream()
    {
        var response = await _server.Client.GetAsync("/sessions/talk");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("id=\"composer\"");
        html.ShouldContain("sse-connect=\"/ui/live/sessions/");
        html.ShouldContain("data-enter-submits");
        (await _server.Client.GetStringAsync("/sessions/nope")).ShouldContain("There is no session named &#x27;nope&#x27;.");
    }

    [Fact]
    public async Task An_empty_prompt_is_refused_inline_with_the_api_message()
    {
        var session = await SessionIdAsync();
        var response = await _server.Client.PostHtmxFormAsync($"/ui/sessions/{session}/turns", ("prompt", "  "));

        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("id=\"composer-error\"");
        html.ShouldContain("The prompt is empty.");
        response.Headers.Contains("HX-Trigger").ShouldBeFalse();
    }

    [Fact]
    public async Task The_live_stream_sends_tail_updates_and_resumes_from_the_last_event_id()
    {
        var session = await SessionIdAsync();
        var words = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"w{i}"));
        _emulator.Control.Enqueue("key-ui", new ScriptedResponse { Text = words, TokensPerSecond = 30 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // A viewer connects, sees the turn start and some of the answer, then its connection drops.
        var first = await OpenStreamAsync($"/ui/live/sessions/{session}?after=0", null, cts.Token);
        (await _server.Client.PostHtmxFormAsync($"/ui/sessions/{session}/turns", ("prompt", "Count"))).Headers.GetValues("HX-Trigger").ShouldContain("prompt-sent");
        string? lastId = null;
        await foreach (var item in first.Events)
        {
            if (item.EventType == "html" && item.Data.Contains("class=\"md-tail\"", StringComparison.Ordinal) && item.EventId is not null)
            {
                item.Data.ShouldNotContain("id=\"messages\"");
                lastId = item.EventId;
                break;
            }
        }

        first.Response.Dispose();
        lastId.ShouldNotBeNull();

        // It reconnects with Last-Event-ID: the message being written is re-rendered from the snapshot, then it goes on.
        var second = await OpenStreamAsync($"/ui/live/sessions/{session}", lastId, cts.Token);
        var reset = false;
        string? finished = null;
        await foreach (var item in second.Events)
        {
            if (item.EventType != "html")
            {
                continue;
            }

            reset |= item.Data.Contains("class=\"msg assistant status-streaming\"", StringComparison.Ordinal);
            if (item.Data.Contains("status-complete", StringComparison.Ordinal))
            {
                finished = item.Data;
                break;
            }
        }

        second.Response.Dispose();
        reset.ShouldBeTrue();
        finished.ShouldNotBeNull();
        finished.ShouldContain(words);
    }

    [Fact]
    public async Task A_long_conversation_opens_with_its_last_page_and_loads_older_pages_on_demand()
    {
        var services = _server.App.Services;
        var sessions = services.GetRequiredService<Maestro.Core.Sessions.SessionService>();
        var store = services.GetRequiredService<Maestro.Core.Conversations.IConversationStore>();
        var session = await sessions.GetAsync("talk", CancellationToken.None);
        var thread = await services.GetRequiredService<Maestro.Core.Conversations.ConversationService>().NewThreadAsync(session, CancellationToken.None);
        for (var i = 1; i <= 1000; i++)
        {
            await store.AppendAsync(new Maestro.Core.Conversations.NewMessage(thread.Id,
                i % 2 == 1 ? Maestro.Core.Conversations.MessageRole.User : Maestro.Core.Conversations.MessageRole.Assistant,
                [new Microsoft.Extensions.AI.TextContent($"message number {i}")], Maestro.Core.Conversations.MessageStatus.Complete), CancellationToken.None);
        }

        var page = await _server.Client.GetStringAsync("/sessions/talk");
        Count(page, "class=\"msg ").ShouldBe(50);
        page.ShouldContain("message number 1000");
        page.ShouldNotContain("message number 950<");
        var older = System.Text.RegularExpressions.Regex.Match(page, "hx-get=\"(/ui/sessions/[^\"]+/messages\\?before=\\d+)\"");
        older.Success.ShouldBeTrue();
        page.ShouldContain("hx-trigger=\"intersect once, click\"");

        var previous = await (await _server.Client.GetHtmxAsync(older.Groups[1].Value)).Content.ReadAsStringAsync();
        Count(previous, "class=\"msg ").ShouldBe(50);
        previous.ShouldContain("message number 950<");
        previous.ShouldContain("message number 901<");
        previous.ShouldContain("id=\"older\"");
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private async Task<(HttpResponseMessage Response, IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<string>> Events)> OpenStreamAsync(
        string path, string? lastEventId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var stream = await response.Content.ReadAsStreamAsync(ct);
        return (response, System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(ct));
    }

    private async Task<string> SessionIdAsync() =>
        (await _server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/sessions/talk")).GetProperty("id").GetString()!;
}
