using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Approvals;

/// <summary>
/// One inbox for every agent: every session's pending approvals from the API, the Approvals page and its live stream,
/// the nav badge on other pages' streams, and `maestro approvals` — decided there, with the decision kept on the call.
/// </summary>
public sealed class ApprovalInboxTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;
    private WebServer _server = null!;
    private string _workspace = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "inbox");
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server = await WebServer.StartAsync(_env);
        _workspace = TestHome.Create("inbox-work");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Every_sessions_pending_approvals_are_listed_and_decided_by_id_over_rest()
    {
        await AgentAsync("alpha", Shell("echo alpha > alpha.txt"), "Ran it.");
        await AgentAsync("beta", Write("beta.txt", "beta"), "Understood.");
        await StartTurnAsync("alpha");
        await StartTurnAsync("beta");
        var pending = await WaitForInboxAsync(2);

        pending.Select(p => p.GetProperty("session").GetString()!).OrderBy(n => n, StringComparer.Ordinal).ToArray().ShouldBe(new[] { "alpha", "beta" });
        var alpha = pending.Single(p => p.GetProperty("session").GetString() == "alpha");
        var beta = pending.Single(p => p.GetProperty("session").GetString() == "beta");
        alpha.GetProperty("tool").GetString().ShouldBe("shell");
        alpha.GetProperty("arguments").GetProperty("command").GetString().ShouldBe("echo alpha > alpha.txt");
        alpha.GetProperty("status").GetString().ShouldBe("pending");
        beta.GetProperty("session_id").GetString().ShouldNotBeNullOrEmpty();

        var bad = await Http.PostAsJsonAsync($"/api/approvals/{Id(alpha)}", new { decision = "maybe" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("decision");
        (await Http.PostAsJsonAsync($"/api/approvals/{Guid.NewGuid()}", new { decision = "approve" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await Http.PostAsJsonAsync($"/api/approvals/{Id(alpha)}", new { decision = "approve" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var denied = await Http.PostAsJsonAsync($"/api/approvals/{Id(beta)}", new { decision = "deny", reason = "not that file" });
        denied.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await denied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("denied");
        (await Http.PostAsJsonAsync($"/api/approvals/{Id(beta)}", new { decision = "approve" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        await WaitIdleAsync("alpha");
        await WaitIdleAsync("beta");
        (await InboxAsync()).ShouldBeEmpty();
        File.Exists(Path.Combine(_workspace, "alpha.txt")).ShouldBeTrue();
        File.Exists(Path.Combine(_workspace, "beta.txt")).ShouldBeFalse();

        // The decision stays with the call: a page drawn from storage says "denied" with the reason, not "failed".
        var page = await Http.GetStringAsync("/sessions/beta");
        page.ShouldContain("Denied: not that file");
        page.ShouldContain(">denied</span>");
        page.ShouldNotContain(">failed</span>");
        var ran = await Http.GetStringAsync("/sessions/alpha");
        ran.ShouldContain("Approved once.");
        ran.ShouldContain("class=\"tool-command\"");
        ran.ShouldContain("echo alpha &gt; alpha.txt");
    }

    [Fact]
    public async Task The_inbox_stream_and_other_pages_streams_follow_new_and_decided_approvals()
    {
        await AgentAsync("gamma", Write("gamma.txt", "line one\nline two"), "Done.");
        await AgentAsync("watcher", null, null);
        var watcherId = (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/watcher")).GetProperty("id").GetString();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        await using var inbox = await OpenAsync("/ui/live/approvals?list=true", cts.Token);
        var first = await inbox.NextAsync();
        first.ShouldContain("data-count=\"0\"");
        first.ShouldContain("id=\"inbox-list\"");
        await using var chat = await OpenAsync($"/ui/live/sessions/{watcherId}", cts.Token);
        (await chat.NextAsync()).ShouldContain("id=\"inbox-count\"");

        await StartTurnAsync("gamma");
        var listed = await inbox.NextAsync(html => html.Contains("data-count=\"1\"", StringComparison.Ordinal));
        listed.ShouldContain("gamma.txt");
        listed.ShouldContain("class=\"diff-add\"");
        listed.ShouldContain("Approve once");
        // Another session's chat tab follows the badge on its own stream.
        await chat.NextAsync(html => html.Contains("data-count=\"1\"", StringComparison.Ordinal));
        (await Http.GetStringAsync("/approvals")).ShouldContain("gamma.txt");
        (await Http.GetStringAsync("/")).ShouldContain("data-count=\"1\"");

        var id = Id((await InboxAsync()).Single());
        var decided = await Http.PostHtmxFormAsync($"/ui/sessions/{(await Http.GetFromJsonAsync<JsonElement>("/api/sessions/gamma")).GetProperty("id").GetString()}/approvals/{id}",
            ("decision", "approve_session"));
        (await decided.Content.ReadAsStringAsync()).ShouldContain("Approved for this session");
        var emptied = await inbox.NextAsync(html => html.Contains("data-count=\"0\"", StringComparison.Ordinal));
        emptied.ShouldNotContain("gamma.txt");
        await chat.NextAsync(html => html.Contains("data-count=\"0\"", StringComparison.Ordinal));
        await WaitIdleAsync("gamma");
    }

    [Fact]
    public async Task Maestro_approvals_lists_every_session_and_decides_by_short_id()
    {
        await AgentAsync("delta", Shell("echo delta > delta.txt"), "Ok.");
        await AgentAsync("epsilon", Shell("rm -rf build"), "Fine, I will not.");
        await StartTurnAsync("delta");
        await StartTurnAsync("epsilon");
        var pending = await WaitForInboxAsync(2);

        var listed = await CliRunner.RunAsync(_env, "approvals");
        listed.ExitCode.ShouldBe(0, listed.ToString());
        listed.Stdout.ShouldContain("delta");
        listed.Stdout.ShouldContain("$ rm -rf build");
        var json = await CliRunner.RunAsync(_env, "approvals", "--json");
        json.ExitCode.ShouldBe(0, json.ToString());
        JsonDocument.Parse(json.Stdout).RootElement.GetArrayLength().ShouldBe(2);

        var epsilon = Id(pending.Single(p => p.GetProperty("session").GetString() == "epsilon"));
        var shortId = Guid.Parse(epsilon).ToString("N")[^8..];
        var vague = await CliRunner.RunAsync(_env, "approvals", shortId);
        vague.ExitCode.ShouldNotBe(0);
        vague.Stderr.ShouldContain("approve, session or deny");

        var deny = await CliRunner.RunAsync(_env, "approvals", shortId, "deny", "--reason", "keep the build");
        deny.ExitCode.ShouldBe(0, deny.ToString());
        deny.Stdout.ShouldContain("denied");
        var delta = Id(pending.Single(p => p.GetProperty("session").GetString() == "delta"));
        var approve = await CliRunner.RunAsync(_env, "approvals", Guid.Parse(delta).ToString("N")[^8..], "approve");
        approve.ExitCode.ShouldBe(0, approve.ToString());

        await WaitIdleAsync("delta");
        await WaitIdleAsync("epsilon");
        (await CliRunner.RunAsync(_env, "approvals")).Stdout.ShouldContain("No tool calls are waiting");
        var sent = _emulator.Control.Requests("key-epsilon").Where(r => r.Method == "POST").ToList();
        sent[^1].BodyText.ShouldContain("keep the build");
    }

    private static string Id(JsonElement approval) => approval.GetProperty("id").GetString()!;

    private static ScriptedResponse Shell(string command) =>
        ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("shell", JsonSerializer.Serialize(new { command })));

    private static ScriptedResponse Write(string path, string content) =>
        ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", JsonSerializer.Serialize(new { path, content })));

    /// <summary>An auth of its own (so its scripts stay its own) and a session that asks before every tool call.</summary>
    private async Task AgentAsync(string name, ScriptedResponse? call, string? answer)
    {
        var key = "key-" + name;
        (await Http.PostAsJsonAsync("/api/auths", new
        {
            provider = "anthropic",
            name,
            api_key = key,
            base_url = _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString(),
        })).EnsureSuccessStatusCode();
        (await Http.PostAsJsonAsync("/api/sessions", new Dictionary<string, object?>
        {
            ["name"] = name,
            ["auth"] = $"anthropic/{name}",
            ["model"] = "claude-sonnet-4-5",
            ["working_directory"] = _workspace,
            ["approve"] = "ask",
        })).EnsureSuccessStatusCode();
        if (call is not null)
        {
            _emulator.Control.Enqueue(key, call, ScriptedResponse.FromText(answer!));
        }
    }

    private async Task StartTurnAsync(string session) =>
        (await Http.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text = "Go" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

    private async Task<List<JsonElement>> InboxAsync() =>
        [.. (await Http.GetFromJsonAsync<JsonElement>("/api/approvals")).EnumerateArray().Select(e => e.Clone())];

    private async Task<List<JsonElement>> WaitForInboxAsync(int count)
    {
        List<JsonElement> pending = [];
        await Eventually.UntilAsync(async () => (pending = await InboxAsync()).Count == count, $"{count} approvals in the inbox");
        return pending;
    }

    private Task WaitIdleAsync(string session) => Eventually.UntilAsync(async () =>
        (await Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("running_turn_id").ValueKind == JsonValueKind.Null,
        $"the turn of {session} to end");

    private async Task<LiveHtml> OpenAsync(string path, CancellationToken ct)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct).GetAsyncEnumerator(ct);
        return new LiveHtml(response, events);
    }

    /// <summary>A UI live stream's "html" events, read one by one.</summary>
    private sealed class LiveHtml(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> events) : IAsyncDisposable
    {
        public async Task<string> NextAsync(Func<string, bool>? until = null)
        {
            while (await events.MoveNextAsync())
            {
                if (events.Current.EventType == "html" && (until is null || until(events.Current.Data)))
                {
                    return events.Current.Data;
                }
            }

            throw new InvalidOperationException("The live stream ended.");
        }

        public async ValueTask DisposeAsync()
        {
            await events.DisposeAsync();
            response.Dispose();
        }
    }
}
