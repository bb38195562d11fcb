using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Emulator;

namespace Maestro.Tests.Providers.CodeAssist;

/// <summary>The emulated Code Assist server speaks the shapes gemini-cli reads.</summary>
public sealed class CodeAssistServerEmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Onboarding_is_a_long_running_operation_done_on_the_second_poll()
    {
        var token = EmulatorFixture.NewKey("ya29");
        using var before = await JsonAsync(HttpMethod.Post, "/v1internal:loadCodeAssist", token, "{}");
        before.RootElement.TryGetProperty("currentTier", out _).ShouldBeFalse();
        before.RootElement.GetProperty("allowedTiers").EnumerateArray()
            .Single(t => t.TryGetProperty("isDefault", out var d) && d.GetBoolean()).GetProperty("id").GetString().ShouldBe("free-tier");

        using var started = await JsonAsync(HttpMethod.Post, "/v1internal:onboardUser", token, """{"tierId":"free-tier"}""");
        var name = started.RootElement.GetProperty("name").GetString()!;
        started.RootElement.GetProperty("done").GetBoolean().ShouldBeFalse();
        using var first = await JsonAsync(HttpMethod.Get, "/v1internal/" + name, token, null);
        using var second = await JsonAsync(HttpMethod.Get, "/v1internal/" + name, token, null);
        using var after = await JsonAsync(HttpMethod.Post, "/v1internal:loadCodeAssist", token, "{}");

        first.RootElement.GetProperty("done").GetBoolean().ShouldBeFalse();
        second.RootElement.GetProperty("done").GetBoolean().ShouldBeTrue();
        var project = second.RootElement.GetProperty("response").GetProperty("cloudaicompanionProject").GetProperty("id").GetString();
        after.RootElement.GetProperty("currentTier").GetProperty("id").GetString().ShouldBe("free-tier");
        after.RootElement.GetProperty("cloudaicompanionProject").GetString().ShouldBe(project);
    }

    [Fact]
    public async Task The_free_tier_refuses_a_project_of_the_users()
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1internal:onboardUser", EmulatorFixture.NewKey("ya29"),
            """{"tierId":"free-tier","cloudaicompanionProject":"mine"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Token)).ShouldContain("FAILED_PRECONDITION");
    }

    [Fact]
    public async Task Answers_are_wrapped_with_a_trace_id_and_no_response_id()
    {
        var token = EmulatorFixture.NewKey("ya29");
        const string Body = """{"model":"gemini-2.5-flash","project":"p-1","request":{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}}""";

        using var whole = await JsonAsync(HttpMethod.Post, "/v1internal:generateContent", token, Body);
        using var stream = await SendAsync(HttpMethod.Post, "/v1internal:streamGenerateContent?alt=sse", token, Body);
        var lines = (await stream.Content.ReadAsStringAsync(Token)).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();

        whole.RootElement.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        whole.RootElement.GetProperty("response").GetProperty("candidates").GetArrayLength().ShouldBe(1);
        whole.RootElement.GetProperty("response").TryGetProperty("responseId", out _).ShouldBeFalse();
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            using var chunk = JsonDocument.Parse(line["data: ".Length..]);
            chunk.RootElement.GetProperty("response").GetProperty("candidates").GetArrayLength().ShouldBe(1);
            chunk.RootElement.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public async Task Requests_need_a_project_and_a_token()
    {
        using var noProject = await SendAsync(HttpMethod.Post, "/v1internal:generateContent", EmulatorFixture.NewKey("ya29"),
            """{"model":"gemini-2.5-flash","request":{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}}""");
        using var noToken = await SendAsync(HttpMethod.Post, "/v1internal:loadCodeAssist", null, "{}");

        noProject.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noProject.Content.ReadAsStringAsync(Token)).ShouldContain("project is required");
        noToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await noToken.Content.ReadAsStringAsync(Token)).ShouldContain("UNAUTHENTICATED");
    }

    private async Task<JsonDocument> JsonAsync(HttpMethod method, string path, string token, string? body)
    {
        using var response = await SendAsync(method, path, token, body);
        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(emulator.Server.ProviderUrl(EmulatorProviders.CodeAssist) + path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await emulator.Http.SendAsync(request, Token);
    }
}
