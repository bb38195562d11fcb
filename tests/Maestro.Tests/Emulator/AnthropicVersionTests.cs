using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Maestro.Emulator;

namespace Maestro.Tests.Emulator;

/// <summary>
/// The emulated Messages API speaks both API versions: 2023-06-01, and 2026-10-21 with its rules (no temperature,
/// top_p or top_k; no documents in assistant turns; no citations on user text) and the newest SDKs' bearer API keys.
/// </summary>
public sealed class AnthropicVersionTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string Path = "/anthropic/v1/messages";

    [Fact]
    public async Task The_official_sdk_sends_its_key_as_a_bearer_with_2026_10_21_and_is_answered()
    {
        var key = EmulatorFixture.NewKey("sk-ant-api03");
        emulator.Server.Control.Enqueue(key, ScriptedResponse.FromText("Hello from the emulator."));
        using var client = new AnthropicClient
        {
            ApiKey = key,
            BaseUrl = emulator.Server.ProviderUrl(EmulatorProviders.Anthropic).ToString(),
            MaxRetries = 0,
            ResponseValidation = true,
        };

        var message = await client.Messages.Create(
            new MessageCreateParams { Model = "claude-haiku-4-5", MaxTokens = 256, Messages = [new UserMessageParam("Hi")] },
            TestContext.Current.CancellationToken);

        message.Content[0].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("Hello from the emulator.");
        var sent = emulator.Server.Control.Requests(key).Single();
        sent.Headers["anthropic-version"].ShouldBe("2026-10-21");
        sent.Headers["authorization"].ShouldStartWith("Bearer ");
        sent.Headers.ContainsKey("x-api-key").ShouldBeFalse();
    }

    [Theory]
    [InlineData("temperature", """{"temperature":1.0}""")]
    [InlineData("top_p", """{"top_p":0.9}""")]
    [InlineData("top_k", """{"top_k":40}""")]
    public async Task Version_2026_10_21_refuses_sampling_parameters_even_at_their_defaults(string field, string extra)
    {
        var body = Body(extra, """[{"role":"user","content":"hi"}]""");
        var (status, error) = await SendAsync(body, "2026-10-21");
        status.ShouldBe(HttpStatusCode.BadRequest);
        error.GetProperty("error").GetProperty("type").GetString().ShouldBe("invalid_request_error");
        error.GetProperty("error").GetProperty("message").GetString().ShouldBe($"{field}: Extra inputs are not permitted");

        var (old, _) = await SendAsync(body, "2023-06-01");
        old.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Version_2026_10_21_refuses_documents_in_assistant_turns_and_citations_on_user_text()
    {
        var document = Body("{}", """
            [{"role":"user","content":"hi"},
             {"role":"assistant","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"x"}}]},
             {"role":"user","content":"and?"}]
            """);
        var (status, error) = await SendAsync(document, "2026-10-21");
        status.ShouldBe(HttpStatusCode.BadRequest);
        error.GetProperty("error").GetProperty("message").GetString()!.ShouldStartWith("messages.1.content.0:");
        (await SendAsync(document, "2023-06-01")).Status.ShouldBe(HttpStatusCode.OK);

        var citations = Body("{}", """
            [{"role":"user","content":[{"type":"text","text":"quoted","citations":[{"type":"char_location","cited_text":"q","document_index":0,"start_char_index":0,"end_char_index":1}]}]}]
            """);
        var (refused, message) = await SendAsync(citations, "2026-10-21");
        refused.ShouldBe(HttpStatusCode.BadRequest);
        message.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("citations");
    }

    [Fact]
    public async Task An_unknown_version_is_refused_and_an_oauth_token_still_needs_the_beta()
    {
        var body = Body("{}", """[{"role":"user","content":"hi"}]""");
        var (status, error) = await SendAsync(body, "2099-01-01");
        status.ShouldBe(HttpStatusCode.BadRequest);
        error.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("anthropic-version");

        var (oauth, refusal) = await SendAsync(body, "2026-10-21", "sk-ant-oat01-" + Guid.NewGuid().ToString("N"));
        oauth.ShouldBe(HttpStatusCode.Unauthorized);
        refusal.GetProperty("error").GetProperty("message").GetString().ShouldBe("OAuth authentication is currently not supported.");
    }

    private static string Body(string extra, string messages)
    {
        using var document = JsonDocument.Parse(extra);
        var fields = string.Concat(document.RootElement.EnumerateObject().Select(p => "," + JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText()));
        return $$"""{"model":"claude-haiku-4-5","max_tokens":100,"messages":{{messages}}{{fields}}}""";
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string body, string version, string? bearer = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Server.BaseUrl, Path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? EmulatorFixture.NewKey("sk-ant-api03"));
        request.Headers.Add("anthropic-version", version);
        using var response = await emulator.Http.SendAsync(request, ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return (response.StatusCode, json.RootElement.Clone());
    }
}
