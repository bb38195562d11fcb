using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Web;

public sealed class AuthApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "authapi");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Create_list_show_patch_and_delete_with_the_usual_status_codes()
    {
        var created = await Http.PostAsJsonAsync("/api/auths", new { provider = "openai", name = "work", api_key = "sk-proj-0123456789abcdefXYZ" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.Location!.ToString().ShouldBe("/api/auths/openai/work");
        var body = await created.Content.ReadAsStringAsync();
        body.ShouldNotContain("sk-proj-0123456789abcdefXYZ");

        using (var list = JsonDocument.Parse(await Http.GetStringAsync("/api/auths")))
        {
            list.RootElement.GetArrayLength().ShouldBe(1);
            list.RootElement[0].GetProperty("ref").GetString().ShouldBe("openai/work");
        }

        using (var one = JsonDocument.Parse(await Http.GetStringAsync("/api/auths/openai/work")))
        {
            one.RootElement.GetProperty("secrets").GetProperty("api_key").GetString().ShouldBe("sk-p…fXYZ");
        }

        var patch = await Http.PatchAsJsonAsync("/api/auths/openai/work", new { name = "work2", base_url = "http://127.0.0.1:9/openai" });
        patch.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await patch.Content.ReadAsStringAsync()).ShouldContain("http://127.0.0.1:9/openai");

        (await Http.DeleteAsync("/api/auths/openai/work2")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Http.GetAsync("/api/auths/openai/work2")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_input_gets_per_field_errors()
    {
        var response = await Http.PostAsJsonAsync("/api/auths", new { provider = "nope", name = "x", api_key = "" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("code").GetString().ShouldBe("validation_failed");
        var errors = problem.RootElement.GetProperty("errors");
        errors.GetProperty("provider")[0].GetString()!.ShouldContain("Unknown provider 'nope'");
        errors.GetProperty("name")[0].GetString()!.ShouldContain("not a valid name");
        errors.GetProperty("api_key")[0].GetString()!.ShouldBe("API key is empty.");
    }

    [Fact]
    public async Task Duplicates_conflict_and_malformed_json_is_a_clear_400()
    {
        (await Http.PostAsJsonAsync("/api/auths", new { provider = "gemini", name = "dup", api_key = "AIza-0123456789" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await Http.PostAsJsonAsync("/api/auths", new { provider = "gemini", name = "dup", api_key = "AIza-other" });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("\"name\"");

        var malformed = await Http.PostAsync("/api/auths", new StringContent("{not json", Encoding.UTF8, "application/json"));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await malformed.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString()!.Length.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Requests_from_other_sites_and_unknown_hosts_are_refused()
    {
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/auths")
        {
            Content = JsonContent.Create(new { provider = "openai", name = "evil", api_key = "k-0000000000" }),
        };
        crossSite.Headers.Add("Origin", "https://evil.example");
        (await Http.SendAsync(crossSite)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var rebinding = new HttpRequestMessage(HttpMethod.Get, "/api/auths");
        rebinding.Headers.Host = "evil.example";
        (await Http.SendAsync(rebinding)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await Http.GetStringAsync("/api/auths")).ShouldNotContain("evil");
    }

    [Fact]
    public async Task Health_reports_the_database()
    {
        using var health = JsonDocument.Parse(await Http.GetStringAsync("/health"));
        health.RootElement.GetProperty("status").GetString().ShouldBe("ok");
        health.RootElement.GetProperty("database").GetProperty("status").GetString().ShouldBe("ok");
        health.RootElement.GetProperty("database").GetProperty("schema_version").GetInt32().ShouldBeGreaterThan(0);
    }
}
