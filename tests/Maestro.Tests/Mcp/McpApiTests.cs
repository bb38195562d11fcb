using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Mcp;

/// <summary>/api/mcp-servers on the real web host.</summary>
public sealed class McpApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Token = "Bearer api-PLAINTEXT-0123456789abcdef";
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        await EverythingServer.EnsureInstalledAsync();
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "mcpapi");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Create_test_patch_and_delete_a_stdio_server()
    {
        var created = await Http.PostAsJsonAsync("/api/mcp-servers", new
        {
            name = "everything",
            command = "node",
            args = new[] { EverythingServer.Script, "stdio" },
            env = new Dictionary<string, string> { ["API_TOKEN"] = Token },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe("/api/mcp-servers/everything");
        var body = await created.Content.ReadAsStringAsync();
        body.ShouldNotContain(Token);
        body.ShouldContain("\"API_TOKEN\":\"Bear…cdef\"");

        using (var test = JsonDocument.Parse(await (await Http.PostAsync("/api/mcp-servers/everything/test", null)).Content.ReadAsStringAsync()))
        {
            test.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
            var echo = test.RootElement.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "echo");
            echo.GetProperty("description").GetString().ShouldBe("Echoes back the input string");
            echo.GetProperty("effect").GetString().ShouldBe("read_only");
        }

        var patch = await Http.PatchAsJsonAsync("/api/mcp-servers/everything", new { name = "everything2", env = new Dictionary<string, string?> { ["API_TOKEN"] = null } });
        patch.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var patched = JsonDocument.Parse(await patch.Content.ReadAsStringAsync()))
        {
            patched.RootElement.GetProperty("name").GetString().ShouldBe("everything2");
            patched.RootElement.GetProperty("env").EnumerateObject().ShouldBeEmpty();
            patched.RootElement.GetProperty("version").GetInt32().ShouldBe(2);
        }

        (await Http.DeleteAsync("/api/mcp-servers/everything2")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Http.GetAsync("/api/mcp-servers/everything2")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Http.GetStringAsync("/api/mcp-servers")).ShouldBe("[]");
    }

    [Fact]
    public async Task Testing_a_failing_server_is_a_result_with_the_reason()
    {
        await Http.PostAsJsonAsync("/api/mcp-servers", new { name = "crash", command = "sh", args = new[] { "-c", "echo 'bad flag' >&2; exit 2" } });

        var response = await Http.PostAsync("/api/mcp-servers/crash/test", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var test = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        test.RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
        test.RootElement.GetProperty("failure").GetString().ShouldBe("exited");
        test.RootElement.GetProperty("error").GetString()!.ShouldContain("bad flag");
        (await Http.PostAsync("/api/mcp-servers/nope/test", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Streamable_http_servers_are_created_and_tested_over_http()
    {
        await using var remote = await EverythingServer.StartHttpAsync();
        var created = await Http.PostAsJsonAsync("/api/mcp-servers", new
        {
            name = "remote",
            url = remote.Url(),
            headers = new Dictionary<string, string> { ["Authorization"] = Token },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await created.Content.ReadAsStringAsync()).ShouldNotContain(Token);

        using var test = JsonDocument.Parse(await (await Http.PostAsync("/api/mcp-servers/remote/test", null)).Content.ReadAsStringAsync());

        test.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue(test.RootElement.ToString());
        test.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldContain("get-sum");
    }

    [Fact]
    public async Task Import_json_and_claude_commands()
    {
        var json = await Http.PostAsJsonAsync("/api/mcp-servers/import", new { json = JsonDocument.Parse(McpImportParsingTests.ClaudeDesktopSample, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement });
        json.StatusCode.ShouldBe(HttpStatusCode.OK, await json.Content.ReadAsStringAsync());
        var text = await json.Content.ReadAsStringAsync();
        text.ShouldNotContain("ghp_0123456789abcdefghijklmnopqrstuvwxyz");
        using (var report = JsonDocument.Parse(text))
        {
            report.RootElement.GetProperty("imported").GetInt32().ShouldBe(5);
            report.RootElement.GetProperty("rejected").GetInt32().ShouldBe(6);
            var bad = report.RootElement.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "empty");
            bad.GetProperty("outcome").GetString().ShouldBe("rejected");
            bad.GetProperty("message").GetString().ShouldBe("has neither \"command\" nor \"url\".");
        }

        // The configuration may also come as a string, e.g. a file's contents with its comments.
        var asString = await Http.PostAsJsonAsync("/api/mcp-servers/import", new { json = McpImportParsingTests.ClaudeDesktopSample });
        using (var report = JsonDocument.Parse(await asString.Content.ReadAsStringAsync()))
        {
            report.RootElement.GetProperty("skipped").GetInt32().ShouldBe(5);
        }

        var command = await Http.PostAsJsonAsync("/api/mcp-servers/import", new { command = "claude mcp add --transport http notion https://mcp.notion.com/mcp -H 'Authorization: " + Token + "'" });
        using (var report = JsonDocument.Parse(await command.Content.ReadAsStringAsync()))
        {
            report.RootElement.GetProperty("imported").GetInt32().ShouldBe(1);
            report.RootElement.GetProperty("servers")[0].GetProperty("server").GetProperty("headers").GetProperty("Authorization").GetString().ShouldBe("Bear…cdef");
        }

        var neither = await Http.PostAsJsonAsync("/api/mcp-servers/import", new { });
        neither.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var unclosed = await Http.PostAsJsonAsync("/api/mcp-servers/import", new { command = "claude mcp add x -- 'oops" });
        unclosed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unclosed.Content.ReadAsStringAsync()).ShouldContain("never closed");
    }

    [Fact]
    public async Task Invalid_input_gets_per_field_errors_and_duplicates_conflict()
    {
        var invalid = await Http.PostAsJsonAsync("/api/mcp-servers", new { name = "bad name", url = "ftp://x" });
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using (var problem = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()))
        {
            problem.RootElement.GetProperty("code").GetString().ShouldBe("validation_failed");
            problem.RootElement.GetProperty("errors").GetProperty("name")[0].GetString()!.ShouldStartWith("'bad name' is not a valid MCP server name");
            problem.RootElement.GetProperty("errors").GetProperty("url")[0].GetString().ShouldBe("'ftp://x' is not an absolute http(s) URL.");
        }

        (await Http.PostAsJsonAsync("/api/mcp-servers", new { name = "dup", command = "npx" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Http.PostAsJsonAsync("/api/mcp-servers", new { name = "dup", command = "npx" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Http.PatchAsJsonAsync("/api/mcp-servers/dup", new { })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
