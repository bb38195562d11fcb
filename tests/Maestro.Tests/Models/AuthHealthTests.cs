using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Models;

/// <summary>
/// Test on an auth and an auth status that follows failures: "Key refused" after a 401, "Unreachable" after a refused
/// connection, back to active on success — in the API, the UI (live, on the auth's page and the dashboard) and
/// `maestro auth list/show/test`.
/// </summary>
public sealed class AuthHealthTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    private string EmulatorUrl => _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString();

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "authhealth");
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Test_reports_a_refused_key_and_the_status_recovers_after_a_good_one()
    {
        await AddAsync("refused", "invalid-key-0123456789", EmulatorUrl);

        var test = await Http.PostAsync("/api/auths/anthropic/refused/test", null);
        test.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await test.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse();
        result.GetProperty("health").GetString().ShouldBe("key_refused");
        result.GetProperty("auth").GetProperty("state").GetString()!.ShouldStartWith("key refused");

        var listed = (await Http.GetFromJsonAsync<JsonElement>("/api/auths")).EnumerateArray().Single();
        listed.GetProperty("health").GetString().ShouldBe("key_refused");

        var cli = await CliRunner.RunAsync(_env, "auth", "list");
        cli.Stdout.ShouldContain("key refused", Case.Insensitive);

        (await Http.PatchAsJsonAsync("/api/auths/anthropic/refused", new { api_key = "good-key-0123456789" })).EnsureSuccessStatusCode();
        var again = await CliRunner.RunAsync(_env, "auth", "test", "anthropic/refused");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Stdout.ShouldContain("OK");
        var show = await Http.GetFromJsonAsync<JsonElement>("/api/auths/anthropic/refused");
        show.GetProperty("auth").GetProperty("health").GetString().ShouldBe("ok");
        show.GetProperty("auth").GetProperty("state").GetString().ShouldBe("active");
    }

    [Fact]
    public async Task An_unreachable_base_url_is_reported_by_test_in_the_cli_and_the_ui()
    {
        await AddAsync("down", "any-key-0123456789", "http://127.0.0.1:9/anthropic");

        var cli = await CliRunner.RunAsync(_env, "auth", "test", "anthropic/down");
        cli.ExitCode.ShouldBe(3, cli.ToString());
        cli.Stderr.ShouldContain("Unreachable: anthropic/down");

        var fragment = await Http.PostHtmxFormAsync("/ui/auths/anthropic/down/test");
        fragment.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await fragment.Content.ReadAsStringAsync();
        html.ShouldContain("Unreachable");
        html.ShouldContain("id=\"auth-status-anthropic-down\"");

        (await Http.GetStringAsync("/")).ShouldContain(">Unreachable</span>");
        var show = await CliRunner.RunAsync(_env, "auth", "show", "anthropic/down");
        show.Stdout.ShouldContain("unreachable", Case.Insensitive);
    }

    [Fact]
    public async Task The_status_follows_failures_of_ordinary_calls_not_only_tests()
    {
        await AddAsync("later", "invalid-later-0123456789", EmulatorUrl);

        (await Http.GetAsync("/api/auths/anthropic/later/models")).IsSuccessStatusCode.ShouldBeFalse();
        await Eventually.UntilAsync(
            async () => (await Http.GetFromJsonAsync<JsonElement>("/api/auths/anthropic/later")).GetProperty("auth").GetProperty("health").GetString() == "key_refused",
            "the refused model listing marks the auth");

        (await Http.PatchAsJsonAsync("/api/auths/anthropic/later", new { api_key = "fine-key-0123456789" })).EnsureSuccessStatusCode();
        (await Http.GetAsync("/api/auths/anthropic/later/models?refresh=true")).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(
            async () => (await Http.GetFromJsonAsync<JsonElement>("/api/auths/anthropic/later")).GetProperty("auth").GetProperty("health").GetString() == "ok",
            "a success clears it");
    }

    [Fact]
    public async Task The_auth_page_and_the_dashboard_follow_its_health_live()
    {
        await AddAsync("watched", "good-key-0123456789", EmulatorUrl);
        (await Http.GetStringAsync("/auths/anthropic/watched")).ShouldContain("sse-connect=\"/ui/live/auths/anthropic/watched\"");
        await using var page = await LiveHtml.OpenAsync(Http, "/ui/live/auths/anthropic/watched");
        page.First.ShouldContain(">Active</span>");
        await using var dashboard = await LiveHtml.OpenAsync(Http, "/ui/live/dashboard");

        // From elsewhere: the key is replaced by one the provider refuses, and a Test over the API finds out.
        (await Http.PatchAsJsonAsync("/api/auths/anthropic/watched", new { api_key = "invalid-watched-0123456789" })).EnsureSuccessStatusCode();
        (await Http.PostAsync("/api/auths/anthropic/watched/test", null)).EnsureSuccessStatusCode();
        var refused = await page.UntilAsync(html => html.Contains("Key refused", StringComparison.Ordinal));
        refused.ShouldContain("<span id=\"auth-status\" hx-swap-oob=\"true\">");
        refused.ShouldNotContain("auth-token-state");
        (await dashboard.UntilAsync(html => html.Contains("auth-status-anthropic-watched", StringComparison.Ordinal)))
            .ShouldContain("Key refused");

        // An ordinary call that works again (the model list, with a good key) brings the badge back to Active.
        (await Http.PatchAsJsonAsync("/api/auths/anthropic/watched", new { api_key = "good-key-0123456789" })).EnsureSuccessStatusCode();
        (await Http.GetAsync("/api/auths/anthropic/watched/models?refresh=true")).EnsureSuccessStatusCode();
        (await page.UntilAsync(html => html.Contains(">Active</span>", StringComparison.Ordinal))).ShouldNotContain("Key refused");
    }

    private async Task AddAsync(string name, string key, string baseUrl) =>
        (await Http.PostAsJsonAsync("/api/auths", new { provider = "anthropic", name, api_key = key, base_url = baseUrl })).StatusCode.ShouldBe(HttpStatusCode.Created);
}
