using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Web;

/// <summary>/api/settings/providers: OpenAI-compatible providers saved from the API, with per-field validation.</summary>
public sealed class ProviderSettingsApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "providerapi");
        _env.Settings["MAESTRO_COMPAT_PROVIDERS"] = "from-env";
        _env.Settings["MAESTRO_COMPAT_FROM_ENV_BASE_URL"] = "http://127.0.0.1:9/v1";
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Add_list_edit_and_remove()
    {
        var created = await Http.PostAsJsonAsync("/api/settings/providers", new
        {
            id = "ollama",
            base_url = "http://localhost:11434/v1",
            display_name = "Ollama",
            api_key_required = false,
            default_max_tokens = 4096,
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe("/api/settings/providers/ollama");

        using (var list = JsonDocument.Parse(await Http.GetStringAsync("/api/settings/providers")))
        {
            var byId = list.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
            byId["ollama"].GetProperty("source").GetString().ShouldBe("settings");
            byId["ollama"].GetProperty("editable").GetBoolean().ShouldBeTrue();
            byId["ollama"].GetProperty("api_key_required").GetBoolean().ShouldBeFalse();
            byId["ollama"].GetProperty("default_max_tokens").GetInt32().ShouldBe(4096);
            byId["from-env"].GetProperty("source").GetString().ShouldBe("MAESTRO_COMPAT_PROVIDERS");
            byId["from-env"].GetProperty("editable").GetBoolean().ShouldBeFalse();
        }

        using (var providers = JsonDocument.Parse(await Http.GetStringAsync("/api/providers")))
        {
            var ollama = providers.RootElement.EnumerateArray().Single(p => p.GetProperty("id").GetString() == "ollama");
            ollama.GetProperty("source").GetString().ShouldBe("settings");
            ollama.GetProperty("features").EnumerateArray().Select(f => f.GetString()).ShouldContain("api_key_optional");
        }

        var edited = await Http.PutAsJsonAsync("/api/settings/providers/ollama", new { base_url = "http://gpu-box:11434/v1", default_max_tokens = (int?)null });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        using (var one = JsonDocument.Parse(await Http.GetStringAsync("/api/settings/providers/ollama")))
        {
            one.RootElement.GetProperty("base_url").GetString().ShouldBe("http://gpu-box:11434/v1");
            one.RootElement.GetProperty("display_name").GetString().ShouldBe("Ollama", "fields the body leaves out keep their values");
            one.RootElement.GetProperty("default_max_tokens").ValueKind.ShouldBe(JsonValueKind.Null, "null resets a field");
        }

        (await Http.PostAsJsonAsync("/api/auths", new { provider = "ollama", name = "local" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await Http.DeleteAsync("/api/settings/providers/ollama");
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("ollama/local");

        (await Http.DeleteAsync("/api/auths/ollama/local")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Http.DeleteAsync("/api/settings/providers/ollama")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Http.GetAsync("/api/settings/providers/ollama")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Http.GetStringAsync("/api/providers")).ShouldNotContain("\"ollama\"");
    }

    [Fact]
    public async Task Invalid_fields_are_named_with_what_is_allowed()
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = "Not An Id",
            ["base_url"] = "localhost:11434",
            ["auth_header"] = "bad header",
            ["max_tokens_field"] = "tokens",
            ["default_max_tokens"] = 0,
            ["api_key_required"] = "maybe",
            ["baseurl"] = "typo",
        };

        var response = await Http.PostAsJsonAsync("/api/settings/providers", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            problem.RootElement.GetProperty("code").GetString().ShouldBe("validation_failed");
            var named = problem.RootElement.GetProperty("errors");
            named.GetProperty("id")[0].GetString()!.ShouldContain("use 2-40 of a-z");
            named.GetProperty("base_url")[0].GetString()!.ShouldContain("'localhost:11434' is not an absolute http(s) URL");
            named.GetProperty("auth_header")[0].GetString()!.ShouldContain("not a valid HTTP header name");
            named.GetProperty("max_tokens_field")[0].GetString()!.ShouldContain("must be max_tokens or max_completion_tokens");
            named.GetProperty("default_max_tokens")[0].GetString()!.ShouldContain("not a positive whole number");
            named.GetProperty("api_key_required")[0].GetString()!.ShouldContain("not a yes/no value");
            named.GetProperty("baseurl")[0].GetString()!.ShouldContain("Known: id, base_url");
        }

        body["chat_path"] = new[] { "/a" };
        var wrongType = await Http.PostAsJsonAsync("/api/settings/providers", body);
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var typed = JsonDocument.Parse(await wrongType.Content.ReadAsStringAsync());
        typed.RootElement.GetProperty("errors").GetProperty("chat_path")[0].GetString()!.ShouldContain("Expected a string");
    }

    [Fact]
    public async Task Taken_ids_conflicts_and_bad_bodies_are_clear()
    {
        var builtIn = await Http.PostAsJsonAsync("/api/settings/providers", new { id = "anthropic", base_url = "http://127.0.0.1:9/v1" });
        builtIn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await builtIn.Content.ReadAsStringAsync()).ShouldContain("built-in provider");

        var declared = await Http.PostAsJsonAsync("/api/settings/providers", new { id = "from-env", base_url = "http://127.0.0.1:9/v1" });
        declared.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await declared.Content.ReadAsStringAsync()).ShouldContain("MAESTRO_COMPAT_PROVIDERS");

        (await Http.PostAsJsonAsync("/api/settings/providers", new { id = "twice", base_url = "http://127.0.0.1:9/v1" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await Http.PostAsJsonAsync("/api/settings/providers", new { id = "twice", base_url = "http://127.0.0.1:9/v1" });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("already saved");

        var rename = await Http.PutAsJsonAsync("/api/settings/providers/twice", new { id = "other" });
        rename.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await rename.Content.ReadAsStringAsync()).ShouldContain("cannot change");
        var noUrl = await Http.PutAsJsonAsync("/api/settings/providers/twice", new { base_url = "" });
        noUrl.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noUrl.Content.ReadAsStringAsync()).ShouldContain("base_url is missing");

        (await Http.PutAsJsonAsync("/api/settings/providers/ghost", new { base_url = "http://127.0.0.1:9/v1" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Http.DeleteAsync("/api/settings/providers/ghost")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var readOnly = await Http.DeleteAsync("/api/settings/providers/from-env");
        readOnly.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await readOnly.Content.ReadAsStringAsync()).ShouldContain("declared in MAESTRO_COMPAT_PROVIDERS");

        var array = await Http.PostAsync("/api/settings/providers", new StringContent("[]", Encoding.UTF8, "application/json"));
        array.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await array.Content.ReadAsStringAsync()).ShouldContain("JSON object");
        var malformed = await Http.PostAsync("/api/settings/providers", new StringContent("{nope", Encoding.UTF8, "application/json"));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var anonymous = _server.Anonymous();
        (await anonymous.GetAsync("/api/settings/providers")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
