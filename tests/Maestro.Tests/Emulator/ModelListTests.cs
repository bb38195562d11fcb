using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Maestro.Tests.Emulator;

public sealed class ModelListTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Anthropic_pages_forward_with_after_id_and_back_with_before_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var ids = new List<string>();
        var pages = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = await GetAnthropicAsync("/anthropic/v1/models?limit=3" + (after is null ? "" : "&after_id=" + after), ct);
            pages.Add(page);
            var data = page.GetProperty("data").EnumerateArray().ToList();
            data.ShouldAllBe(m => m.GetProperty("type").GetString() == "model");
            ids.AddRange(data.Select(m => m.GetProperty("id").GetString()!));
            page.GetProperty("first_id").GetString().ShouldBe(data[0].GetProperty("id").GetString());
            page.GetProperty("last_id").GetString().ShouldBe(data[^1].GetProperty("id").GetString());
            after = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("last_id").GetString() : null;
        }
        while (after is not null);

        pages.Count.ShouldBeGreaterThan(2);
        ids.ShouldBeUnique();
        ids.ShouldContain("claude-sonnet-4-5-20250929");
        ids.ShouldContain("claude-opus-4-1-20250805");
        ids.ShouldContain("claude-haiku-4-5-20251001");

        var back = await GetAnthropicAsync("/anthropic/v1/models?limit=3&before_id=" + pages[1].GetProperty("first_id").GetString(), ct);
        back.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ShouldBe(ids.Take(3));
        back.GetProperty("has_more").GetBoolean().ShouldBeFalse();

        var all = await GetAnthropicAsync("/anthropic/v1/models", ct);
        var first = all.GetProperty("data")[0];
        first.GetProperty("display_name").GetString().ShouldNotBeNullOrEmpty();
        DateTimeOffset.Parse(first.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Year.ShouldBeGreaterThan(2023);
    }

    [Fact]
    public async Task Anthropic_rejects_a_limit_out_of_range()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = AnthropicGet("/anthropic/v1/models?limit=0");
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Anthropic_gets_one_model_by_alias()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await GetAnthropicAsync("/anthropic/v1/models/claude-sonnet-4-5", ct);
        model.GetProperty("id").GetString().ShouldBe("claude-sonnet-4-5-20250929");
    }

    [Fact]
    public async Task OpenAI_lists_models_as_a_list_object()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseUrl, "/openai/v1/models"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorFixture.NewKey());
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));

        body.RootElement.GetProperty("object").GetString().ShouldBe("list");
        var ids = body.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        ids.ShouldContain("gpt-5");
        ids.ShouldContain("gpt-5-mini");
        ids.ShouldContain("gpt-4.1");
        ids.ShouldContain("gpt-4o-mini");
        body.RootElement.GetProperty("data")[0].GetProperty("object").GetString().ShouldBe("model");
    }

    [Fact]
    public async Task Gemini_pages_with_page_tokens()
    {
        var ct = TestContext.Current.CancellationToken;
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await GetGeminiAsync("/gemini/v1beta/models?pageSize=3" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token)), ct);
            pages++;
            var models = page.GetProperty("models").EnumerateArray().ToList();
            models.Count.ShouldBeLessThanOrEqualTo(3);
            foreach (var model in models)
            {
                model.GetProperty("name").GetString().ShouldStartWith("models/");
                model.GetProperty("displayName").GetString().ShouldNotBeNullOrEmpty();
                model.GetProperty("inputTokenLimit").GetInt32().ShouldBeGreaterThan(0);
                model.GetProperty("outputTokenLimit").GetInt32().ShouldBeGreaterThan(0);
                model.GetProperty("supportedGenerationMethods").GetArrayLength().ShouldBeGreaterThan(0);
            }

            names.AddRange(models.Select(m => m.GetProperty("name").GetString()!));
            token = page.TryGetProperty("nextPageToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        pages.ShouldBeGreaterThan(2);
        names.ShouldBeUnique();
        names.ShouldContain("models/gemini-2.5-pro");
        names.ShouldContain("models/gemini-2.5-flash");
        names.ShouldContain("models/gemini-2.0-flash");

        var single = await GetGeminiAsync("/gemini/v1beta/models/gemini-2.5-pro", ct);
        single.GetProperty("name").GetString().ShouldBe("models/gemini-2.5-pro");
    }

    [Fact]
    public async Task Gemini_rejects_a_bad_page_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseUrl, "/gemini/v1beta/models?pageToken=garbage&key=k"));
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private HttpRequestMessage AnthropicGet(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseUrl, path));
        request.Headers.Add("x-api-key", EmulatorFixture.NewKey());
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    private async Task<JsonElement> GetAnthropicAsync(string path, CancellationToken ct)
    {
        using var request = AnthropicGet(path);
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.Clone();
    }

    private async Task<JsonElement> GetGeminiAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseUrl, path));
        request.Headers.Add("x-goog-api-key", EmulatorFixture.NewKey());
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.Clone();
    }
}
