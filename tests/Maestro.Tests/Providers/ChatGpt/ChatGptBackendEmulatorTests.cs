using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Emulator;

namespace Maestro.Tests.Providers.ChatGpt;

/// <summary>The emulated ChatGPT backend refuses what the real one refuses, in its own words.</summary>
public sealed class ChatGptBackendEmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string Valid = """{"model":"gpt-5.2","instructions":"Be brief.","input":"Hi","store":false,"stream":true}""";

    [Theory]
    [InlineData("""{"model":"gpt-5.2","instructions":"Be brief.","input":"Hi","store":false,"stream":true,"max_output_tokens":100}""", "Unsupported parameter: max_output_tokens")]
    [InlineData("""{"model":"gpt-5.2","instructions":"Be brief.","input":"Hi","store":false,"stream":true,"temperature":0.5}""", "Unsupported parameter: temperature")]
    [InlineData("""{"model":"gpt-5.2","input":"Hi","store":false,"stream":true}""", "Instructions are required")]
    [InlineData("""{"model":"gpt-5.2","instructions":"Be brief.","input":"Hi","stream":true}""", "Store must be set to false")]
    [InlineData("""{"model":"gpt-5.2","instructions":"Be brief.","input":"Hi","store":false,"stream":false}""", "Stream must be set to true")]
    [InlineData("""{"model":"gpt-4o","instructions":"Be brief.","input":"Hi","store":false,"stream":true}""", "The 'gpt-4o' model is not supported when using Codex with a ChatGPT account.")]
    public async Task Refuses_what_the_backend_refuses(string body, string detail)
    {
        using var response = await PostAsync(body, EmulatorFixture.NewKey("chatgpt"), account: "acct-1");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await DetailAsync(response)).ShouldBe(detail);
    }

    [Fact]
    public async Task Needs_the_account_header_and_a_valid_token()
    {
        using var noAccount = await PostAsync(Valid, EmulatorFixture.NewKey("chatgpt"), account: null);
        using var badToken = await PostAsync(Valid, "invalid-token", account: "acct-1");

        noAccount.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await DetailAsync(noAccount)).ShouldBe("Missing ChatGPT-Account-Id header");
        badToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await badToken.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("token_expired");
    }

    [Fact]
    public async Task A_valid_request_streams_responses_events()
    {
        using var response = await PostAsync(Valid, EmulatorFixture.NewKey("chatgpt"), account: "acct-1");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        text.ShouldStartWith("event: response.created\n");
        text.ShouldContain("event: response.completed\n");
    }

    [Theory]
    [InlineData("0.0.0", 5)]
    [InlineData("0.60.0", 3)]
    [InlineData("0.99.0", 5)]
    public async Task The_model_catalog_is_gated_by_client_version(string version, int count)
    {
        using var response = await GetModelsAsync("?client_version=" + version);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        json.RootElement.GetProperty("models").GetArrayLength().ShouldBe(count);
    }

    [Fact]
    public async Task The_model_catalog_needs_a_client_version()
    {
        using var response = await GetModelsAsync("");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await DetailAsync(response)).ShouldNotBeNull().ShouldContain("client_version");
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string token, string? account)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Server.ProviderUrl(EmulatorProviders.ChatGpt) + "/responses"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (account is not null)
        {
            request.Headers.Add("ChatGPT-Account-Id", account);
        }

        return await emulator.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<HttpResponseMessage> GetModelsAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.ProviderUrl(EmulatorProviders.ChatGpt) + "/models" + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorFixture.NewKey("chatgpt"));
        request.Headers.Add("ChatGPT-Account-Id", "acct-1");
        return await emulator.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("detail").GetString();
    }
}
