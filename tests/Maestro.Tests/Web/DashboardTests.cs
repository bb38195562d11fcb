using System.Net;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Web;

/// <summary>The dashboard page and its htmx fragments, over HTTP (the browser journeys are in Maestro.BrowserTests).</summary>
public sealed class DashboardTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "dashboard");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Adding_through_the_form_updates_the_list_and_never_echoes_the_key()
    {
        var response = await _server.Client.PostHtmxFormAsync("/ui/auths", ("provider", "anthropic"), ("name", "from_ui"), ("api_key", "sk-ant-ui-0123456789abcdef"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Added anthropic/from_ui", customMessage: html);
        html.ShouldContain("hx-swap-oob");
        html.ShouldNotContain("sk-ant-ui-0123456789abcdef");

        var page = await _server.Client.GetStringAsync("/");
        page.ShouldContain("from_ui");
        page.ShouldContain("/assets/lib/htmx.min.js");
    }

    [Fact]
    public async Task Form_errors_are_shown_inline_with_the_api_messages()
    {
        var response = await _server.Client.PostHtmxFormAsync("/ui/auths", ("provider", "anthropic"), ("name", "x"), ("api_key", ""));

        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("&#x27;x&#x27; is not a valid name");
        html.ShouldContain("API key is empty.");
        html.ShouldContain("aria-invalid=\"true\"");
    }

    [Fact]
    public async Task Fragments_answer_only_htmx_and_assets_are_served()
    {
        using var plain = new FormUrlEncodedContent([new("provider", "anthropic"), new("name", "sneaky"), new("api_key", "k-0000000000")]);
        (await _server.Client.PostAsync("/ui/auths", plain)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await _server.Client.GetAsync("/assets/lib/htmx.min.js")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _server.Client.GetAsync("/assets/app.css")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
