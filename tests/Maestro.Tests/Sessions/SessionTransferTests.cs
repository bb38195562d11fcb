using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Sessions;

/// <summary>
/// Conversations out and in: a session exported as JSON (a versioned shape) and Markdown, over the API and the CLI,
/// and a JSON export imported as a new session; a bad file is refused naming what is wrong, and imports nothing.
/// </summary>
public sealed class SessionTransferTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;
    private WebServer _server = null!;
    private string _workspace = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "transfer");
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server = await WebServer.StartAsync(_env);
        _workspace = TestHome.Create("transfer-work");
        (await Http.PostAsJsonAsync("/api/auths", new
        {
            provider = "anthropic",
            name = "emu",
            api_key = "key-transfer",
            base_url = _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString(),
        })).EnsureSuccessStatusCode();
        (await Http.PostAsJsonAsync("/api/sessions", new Dictionary<string, object?>
        {
            ["name"] = "original",
            ["auth"] = "anthropic/emu",
            ["model"] = "claude-sonnet-4-5",
            ["working_directory"] = _workspace,
            ["system_prompt"] = "Be careful with files.",
        })).EnsureSuccessStatusCode();

        // One turn: a write the user denies with a reason, then the model's answer.
        _emulator.Control.Enqueue("key-transfer",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path": "plan.md", "content": "# Plan"}""")),
            ScriptedResponse.FromText("Understood, I will **not** write the plan."));
        (await Http.PostAsJsonAsync("/api/sessions/original/turns", new { text = "Write the plan" })).EnsureSuccessStatusCode();
        JsonElement pending = default;
        await Eventually.UntilAsync(async () =>
        {
            var list = await Http.GetFromJsonAsync<JsonElement>("/api/approvals");
            pending = list.GetArrayLength() == 1 ? list[0].Clone() : default;
            return list.GetArrayLength() == 1;
        }, "the write to wait for approval");
        (await Http.PostAsJsonAsync($"/api/approvals/{pending.GetProperty("id").GetString()}", new { decision = "deny", reason = "not yet" })).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () =>
            (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/original")).GetProperty("running_turn_id").ValueKind == JsonValueKind.Null, "the turn to end");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task A_json_export_round_trips_into_a_new_session_with_calls_decisions_usage_and_models()
    {
        var response = await Http.GetAsync("/api/sessions/original/export?format=json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe("original.maestro.json");
        var json = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("format").GetString().ShouldBe("maestro.session");
        root.GetProperty("version").GetInt32().ShouldBe(1);
        root.GetProperty("session").GetProperty("model").GetString().ShouldBe("claude-sonnet-4-5");
        root.GetProperty("session").GetProperty("system_prompt").GetString().ShouldBe("Be careful with files.");
        var messages = root.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("role").GetString()).ShouldBe(["user", "assistant", "tool", "assistant"]);
        var call = messages[1].GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_call");
        call.GetProperty("name").GetString().ShouldBe("write_file");
        call.GetProperty("arguments").GetProperty("path").GetString().ShouldBe("plan.md");
        messages[1].GetProperty("model").GetString().ShouldBe("claude-sonnet-4-5");
        messages[1].GetProperty("usage").GetProperty("output_tokens").GetInt64().ShouldBeGreaterThan(0);
        var result = messages[2].GetProperty("blocks")[0];
        result.GetProperty("type").GetString().ShouldBe("tool_result");
        result.GetProperty("approval").GetString().ShouldBe("denied");
        result.GetProperty("approval_reason").GetString().ShouldBe("not yet");

        var imported = await Http.PostAsync("/api/sessions/import?name=copy", new StringContent(json, Encoding.UTF8, "application/json"));
        imported.StatusCode.ShouldBe(HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        var copy = await Http.GetFromJsonAsync<JsonElement>("/api/sessions/copy/messages");
        copy.GetArrayLength().ShouldBe(4);
        copy[3].GetProperty("blocks")[0].GetProperty("text").GetString().ShouldBe("Understood, I will **not** write the plan.");
        copy[3].GetProperty("model").GetString().ShouldBe("claude-sonnet-4-5");
        var page = await Http.GetStringAsync("/sessions/copy");
        page.ShouldContain("Denied: not yet");
        page.ShouldContain("plan.md");

        // Exporting the copy gives the same conversation back.
        using var again = JsonDocument.Parse(await Http.GetStringAsync("/api/sessions/copy/export?format=json"));
        Strip(again.RootElement.GetProperty("messages")).ShouldBe(Strip(root.GetProperty("messages")));

        // The imported conversation goes on with the model: the whole history is sent, tool call and result included.
        _emulator.Control.Enqueue("key-transfer", ScriptedResponse.FromText("Continuing."));
        (await Http.PostAsJsonAsync("/api/sessions/copy/turns", new { text = "Go on" })).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () =>
            (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/copy")).GetProperty("running_turn_id").ValueKind == JsonValueKind.Null, "the copy's turn");
        var sent = _emulator.Control.Requests("key-transfer").Last(r => r.Method == "POST").BodyText;
        sent.ShouldContain("not yet");
        sent.ShouldContain("Go on");
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/copy/messages")).GetArrayLength().ShouldBe(6);
    }

    [Fact]
    public async Task A_markdown_export_reads_as_a_transcript()
    {
        var md = await Http.GetStringAsync("/api/sessions/original/export?format=md");
        md.ShouldStartWith("# original");
        md.ShouldContain("- Model: `claude-sonnet-4-5`");
        md.ShouldContain("## User · ");
        md.ShouldContain("Write the plan");
        md.ShouldContain("## Assistant · claude-sonnet-4-5");
        md.ShouldContain("**Tool call** `write_file`");
        md.ShouldContain("(denied: not yet)");
        md.ShouldContain("Understood, I will **not** write the plan.");
        (await Http.GetAsync("/api/sessions/original/export?format=pdf")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_bad_export_is_refused_naming_what_is_wrong_and_nothing_is_imported()
    {
        var good = JsonNode.Parse(await Http.GetStringAsync("/api/sessions/original/export?format=json"))!;
        var before = (await Http.GetFromJsonAsync<JsonElement>("/api/sessions")).GetArrayLength();

        await RefusedAsync("{ not json", HttpStatusCode.BadRequest, "not valid JSON");
        await RefusedAsync("[1, 2]", HttpStatusCode.BadRequest, "not a Maestro export");
        await RefusedAsync(With(good, d => ((JsonObject)d).Remove("session")), HttpStatusCode.BadRequest, "not a valid Maestro export");
        await RefusedAsync(With(good, d => d["version"] = 2), HttpStatusCode.BadRequest, "Export version 2 is not supported");
        await RefusedAsync(With(good, d => d["format"] = "chatgpt"), HttpStatusCode.BadRequest, "format");
        await RefusedAsync(With(good, d => d["messages"]![1]!["blocks"]![0]!["type"] = "video"), HttpStatusCode.BadRequest, "messages[1].blocks[0].type");
        await RefusedAsync(With(good, d => d["messages"]![2]!["blocks"]![0]!["call_id"] = "nope"), HttpStatusCode.BadRequest, "messages[2].blocks[0].call_id");
        await RefusedAsync(With(good, d => d["messages"]![0]!["role"] = "system"), HttpStatusCode.BadRequest, "messages[0].role");
        await RefusedAsync(With(good, d => ((JsonObject)d["messages"]![0]!).Remove("blocks")), HttpStatusCode.BadRequest, "blocks");
        await RefusedAsync(good.ToJsonString(), HttpStatusCode.Conflict, "A session named 'original' already exists", "");
        await RefusedAsync(With(good, d => d["session"]!["auth"] = "anthropic/gone"), HttpStatusCode.BadRequest, "anthropic/gone", "?name=fresh");
        await RefusedAsync("", HttpStatusCode.BadRequest, "empty");

        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions")).GetArrayLength().ShouldBe(before);
    }

    [Fact]
    public async Task The_cli_exports_to_a_file_and_imports_it_under_a_new_name()
    {
        var file = Path.Combine(_workspace, "original.json");
        var export = await CliRunner.RunAsync(_env, "session", "export", "original", "--format", "json", "-o", file);
        export.ExitCode.ShouldBe(0, export.ToString());
        export.Stdout.ShouldContain("Exported 4 messages");

        var import = await CliRunner.RunAsync(_env, "session", "import", file, "--name", "from-cli");
        import.ExitCode.ShouldBe(0, import.ToString());
        import.Stdout.ShouldContain("Imported as session from-cli");
        var markdown = await CliRunner.RunAsync(_env, "session", "export", "from-cli");
        markdown.ExitCode.ShouldBe(0, markdown.ToString());
        markdown.Stdout.ShouldContain("Understood, I will **not** write the plan.");

        var again = await CliRunner.RunAsync(_env, "session", "import", file, "--name", "from-cli");
        again.ExitCode.ShouldNotBe(0);
        again.Stderr.ShouldContain("already exists");
        var missing = await CliRunner.RunAsync(_env, "session", "import", Path.Combine(_workspace, "nope.json"));
        missing.ExitCode.ShouldNotBe(0);
        missing.Stderr.ShouldContain("There is no file");
        var format = await CliRunner.RunAsync(_env, "session", "export", "original", "--format", "pdf");
        format.ExitCode.ShouldNotBe(0);
        format.Stderr.ShouldContain("use md or json");
    }

    private async Task RefusedAsync(string body, HttpStatusCode status, string says, string query = "?name=refused")
    {
        var response = await Http.PostAsync("/api/sessions/import" + query, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        text.ShouldContain(says);
    }

    private static string With(JsonNode document, Action<JsonNode> change)
    {
        var copy = document.DeepClone();
        change(copy);
        return copy.ToJsonString();
    }

    /// <summary>The messages without what differs between two exports (times of the export itself are not in them).</summary>
    private static string Strip(JsonElement messages)
    {
        var node = JsonNode.Parse(messages.GetRawText())!.AsArray();
        foreach (var m in node)
        {
            m!.AsObject().Remove("auth");
        }

        return node.ToJsonString();
    }
}
