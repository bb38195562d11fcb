using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Sessions;

/// <summary>GET /api/sessions is paged like the dashboard, with search and filters as query parameters; so is the dashboard.</summary>
public sealed class SessionListTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "sessionlist");
        _server = await WebServer.StartAsync(_bed.Env);
        for (var i = 0; i < 7; i++)
        {
            await _bed.CreateSessionAsync("anthropic", $"review-{i}");
        }

        await _bed.CreateSessionAsync("openai", "notes_100");
        await _bed.CreateSessionAsync("gemini", "plan");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Pages_carry_the_total_and_links_that_keep_the_filters()
    {
        using var first = await Http.GetAsync("/api/sessions?per_page=3&q=review");
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Headers.GetValues("X-Total-Count").Single().ShouldBe("7");
        var names = (await first.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        names.ShouldBe(["review-6", "review-5", "review-4"], "most recently updated first");
        var link = first.Headers.GetValues("Link").Single();
        link.ShouldContain("</api/sessions?page=2&per_page=3&q=review>; rel=\"next\"");

        var last = await Http.GetFromJsonAsync<JsonElement>("/api/sessions?page=3&per_page=3&q=review");
        last.EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["review-0"]);

        var all = await Http.GetFromJsonAsync<JsonElement>("/api/sessions");
        all.GetArrayLength().ShouldBe(9);
    }

    [Fact]
    public async Task Filters_by_auth_and_provider_and_a_search_takes_like_characters_literally()
    {
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions?auth=gemini/bed")).EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("plan");
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions?provider=openai")).EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("notes_100");
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions?q=100%25")).GetArrayLength().ShouldBe(0, "'%' matches itself, not anything");
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions?q=_")).GetArrayLength().ShouldBe(1, "'_' matches itself, not any character");
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions?q=GPT-4.1")).GetArrayLength().ShouldBe(1, "the search covers models, in any case");

        var bad = await Http.GetAsync("/api/sessions?per_page=0");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("per_page", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_dashboard_searches_and_its_page_links_keep_the_search()
    {
        var html = await Http.GetStringAsync("/?q=review-1");
        html.ShouldContain("href=\"/sessions/review-1\"");
        html.ShouldNotContain("href=\"/sessions/plan\"");
        html.ShouldContain("value=\"review-1\"");
        html.ShouldContain("/ui/live/dashboard?page=1&amp;q=review-1");

        (await Http.GetStringAsync("/?q=zzz")).ShouldContain("No session matches");
    }
}
