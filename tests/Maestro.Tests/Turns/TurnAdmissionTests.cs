using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Turns;

/// <summary>Admission control: past the running-turn limit a start is refused with 429 and Retry-After, and leaves nothing behind.</summary>
public sealed class TurnAdmissionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "admission");
        _bed.Env.Settings["MAESTRO_MAX_RUNNING_TURNS"] = "5";
        _server = await WebServer.StartAsync(_bed.Env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task With_a_limit_of_five_fifty_starts_give_five_turns_and_forty_five_429s_that_leave_nothing_behind()
    {
        var names = Enumerable.Range(0, 50).Select(i => $"queue-{i:D2}").ToArray();
        foreach (var name in names)
        {
            // Long enough that the first five are still running when the others arrive.
            (await Http.PostAsJsonAsync("/api/sessions", new { name, auth = "anthropic/bed", model = "synthetic:2000@20", force_model = true })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var responses = await Task.WhenAll(names.Select(name => Http.PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "Me first" })));

        var accepted = names.Where((_, i) => responses[i].StatusCode == HttpStatusCode.Accepted).ToList();
        var refused = names.Where((_, i) => responses[i].StatusCode == HttpStatusCode.TooManyRequests).ToList();
        accepted.Count.ShouldBe(5);
        refused.Count.ShouldBe(45, "every other start is refused as busy, none fails");
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
        {
            response.Headers.RetryAfter?.Delta.ShouldNotBeNull();
            response.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            problem.RootElement.GetProperty("code").GetString().ShouldBe("busy");
            problem.RootElement.GetProperty("detail").GetString()!.ShouldContain("busy");
        }

        // A refused start wrote nothing: no message, no thread, no turn.
        foreach (var name in refused)
        {
            (await Http.GetStringAsync($"/api/sessions/{name}/messages")).ShouldBe("[]", name);
            using var session = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{name}"));
            session.RootElement.GetProperty("running_turn_id").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        // Once a place is free, a refused start succeeds when retried.
        (await Http.PostAsync($"/api/sessions/{accepted[0]}/stop", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpResponseMessage retried;
        while ((retried = await Http.PostAsJsonAsync($"/api/sessions/{refused[0]}/turns", new { text = "Me first" }, timeout.Token)).StatusCode == HttpStatusCode.TooManyRequests)
        {
            await Task.Delay(retried.Headers.RetryAfter!.Delta!.Value / 20, timeout.Token);
        }

        retried.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using (var messages = JsonDocument.Parse(await Http.GetStringAsync($"/api/sessions/{refused[0]}/messages")))
        {
            messages.RootElement.EnumerateArray().Count(m => m.GetProperty("role").GetString() == "user")
                .ShouldBe(1, "the refused attempts left no copy of the question behind");
        }

        foreach (var name in accepted.Skip(1).Append(refused[0]))
        {
            await Http.PostAsync($"/api/sessions/{name}/stop", null);
        }
    }
}
