using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Maestro.Tests.Emulator;

public sealed class ControlApiTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Scripts_posted_over_http_answer_the_next_request_for_that_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        var script = $$$"""
            {"key":"{{{key}}}","responses":[
              {"text":"scripted over http","tool_calls":[{"name":"read_file","arguments":{"path":"a.txt"}}],"usage":{"input_tokens":3,"output_tokens":4},"finish":"tool_calls"}
            ]}
            """;
        using (var post = await emulator.Http.PostAsync(new Uri(emulator.Server.BaseUrl, "/_emulator/scripts"), new StringContent(script, Encoding.UTF8, "application/json"), ct))
        {
            post.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var answer = JsonDocument.Parse(await post.Content.ReadAsStringAsync(ct));
            answer.RootElement.GetProperty("pending").GetInt32().ShouldBe(1);
            answer.RootElement.GetProperty("key").GetString().ShouldNotBe(key);
        }

        var api = Api.For(Api.OpenAIResponses);
        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: false);
        using var response = await emulator.Http.SendAsync(request, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        api.Text(body.RootElement).ShouldBe("scripted over http");
        api.ToolCalls(body.RootElement).Single().Arguments.ShouldBe("""{"path":"a.txt"}""");
    }

    [Theory]
    [InlineData("""{"key":"k","responses":[{"txt":"typo"}]}""")]
    [InlineData("""{"key":"k","responses":[{"fault":"explode"}]}""")]
    [InlineData("""{"key":"k","responses":[{"finish":"done"}]}""")]
    [InlineData("""{"responses":[]}""")]
    [InlineData("""not json""")]
    public async Task Invalid_scripts_are_refused(string script)
    {
        var ct = TestContext.Current.CancellationToken;
        using var post = await emulator.Http.PostAsync(new Uri(emulator.Server.BaseUrl, "/_emulator/scripts"), new StringContent(script, Encoding.UTF8, "application/json"), ct);
        post.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await post.Content.ReadAsStringAsync(ct)).ShouldContain("\"error\"");
    }

    [Fact]
    public async Task Deleting_scripts_for_a_key_drops_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, Maestro.Emulator.ScriptedResponse.FromText("never"));
        using var delete = await emulator.Http.DeleteAsync(new Uri(emulator.Server.BaseUrl, "/_emulator/scripts?key=" + key), ct);
        delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        emulator.Server.Control.PendingScripts(key).ShouldBe(0);
    }

    [Fact]
    public async Task Recorded_requests_keep_the_body_exactly_and_redact_credentials()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey("sk-secret");
        // Odd spacing and key order on purpose: the record must be the bytes as sent.
        const string Body = """{ "max_tokens":64,"model":"claude-haiku-4-5",  "system":"Be terse.","messages":[{"role":"user","content":"hé"}],"tools":[{"name":"read_file","input_schema":{"type":"object"}}]}""";
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Server.BaseUrl, "/anthropic/v1/messages")))
        {
            request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
            request.Headers.Add("x-api-key", key);
            request.Headers.Add("anthropic-version", "2023-06-01");
            request.Headers.Add("anthropic-beta", "prompt-caching-2024-07-31");
            using var response = await emulator.Http.SendAsync(request, ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var recorded = emulator.Server.Control.Requests(key).ShouldHaveSingleItem();
        recorded.Method.ShouldBe("POST");
        recorded.Path.ShouldBe("/anthropic/v1/messages");
        recorded.Provider.ShouldBe("anthropic");
        recorded.Model.ShouldBe("claude-haiku-4-5");
        recorded.BodyText.ShouldBe(Body);
        recorded.Json!.Value.GetProperty("system").GetString().ShouldBe("Be terse.");
        recorded.Headers["x-api-key"].ShouldBe("[redacted]");
        recorded.Headers["anthropic-beta"].ShouldBe("prompt-caching-2024-07-31");

        using var list = await emulator.Http.GetAsync(new Uri(emulator.Server.BaseUrl, $"/_emulator/requests?key={key}&limit=5"), ct);
        var text = await list.Content.ReadAsStringAsync(ct);
        text.ShouldNotContain(key);
        using var json = JsonDocument.Parse(text);
        var entry = json.RootElement.GetProperty("requests").EnumerateArray().ShouldHaveSingleItem();
        entry.GetProperty("body").GetRawText().ShouldBe(Body.Trim());
        entry.GetProperty("headers").GetProperty("x-api-key").GetString().ShouldBe("[redacted]");
        entry.GetProperty("model").GetString().ShouldBe("claude-haiku-4-5");
    }

    [Fact]
    public async Task Gemini_query_keys_are_redacted_in_recorded_paths()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey("AIza");
        using var response = await emulator.Http.GetAsync(new Uri(emulator.Server.BaseUrl, $"/gemini/v1beta/models?pageSize=2&key={key}"), ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var recorded = emulator.Server.Control.Requests(key).ShouldHaveSingleItem();
        recorded.Path.ShouldBe("/gemini/v1beta/models?pageSize=2&key=[redacted]");
    }

    [Fact]
    public async Task Requests_are_listed_newest_last_and_limit_keeps_the_newest()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        var api = Api.For(Api.OpenAIChat);
        foreach (var prompt in new[] { "first", "second", "third" })
        {
            using var request = api.Request(emulator.Server.BaseUrl, key, "synthetic:1", stream: false, prompt);
            using var response = await emulator.Http.SendAsync(request, ct);
        }

        var all = emulator.Server.Control.Requests(key);
        all.Select(r => r.Json!.Value.GetProperty("messages")[0].GetProperty("content").GetString()).ShouldBe(["first", "second", "third"]);
        emulator.Server.Control.Requests(key, limit: 2).Select(r => r.Json!.Value.GetProperty("messages")[0].GetProperty("content").GetString()).ShouldBe(["second", "third"]);
    }

    [Fact]
    public async Task Unknown_provider_paths_are_recorded_and_answered_in_the_providers_shape()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Server.BaseUrl, "/openai/v1/chat/completion"))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await emulator.Http.SendAsync(request, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        body.RootElement.GetProperty("error").GetProperty("message").GetString().ShouldBe("Invalid URL (POST /openai/v1/chat/completion)");
        emulator.Server.Control.Requests(key).ShouldHaveSingleItem().Path.ShouldBe("/openai/v1/chat/completion");
    }

    [Fact]
    public async Task Health_reports_ok_and_the_known_fixtures()
    {
        var ct = TestContext.Current.CancellationToken;
        using var json = JsonDocument.Parse(await emulator.Http.GetStringAsync(new Uri(emulator.Server.BaseUrl, "/_emulator/health"), ct));
        json.RootElement.GetProperty("status").GetString().ShouldBe("ok");
        json.RootElement.GetProperty("fixtures").GetProperty("anthropic/messages").EnumerateArray().Select(e => e.GetString()).ShouldContain("text-basic");
    }

    [Fact]
    public void Provider_urls_are_the_prefixes_under_the_base_url()
    {
        emulator.Server.BaseUrl.Host.ShouldBe("127.0.0.1");
        emulator.Server.ProviderUrl("anthropic").ToString().ShouldBe(emulator.Server.BaseUrl + "anthropic");
        emulator.Server.ProviderUrl("/gemini/").ToString().ShouldBe(emulator.Server.BaseUrl + "gemini");
        Should.Throw<ArgumentException>(() => emulator.Server.ProviderUrl("mistral"));
    }
}
