using System.Net;
using System.Net.Http.Json;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Turns;

/// <summary>
/// A server run with MAESTRO_PROVIDER_HTTP_VERSION=2 against an emulator that speaks only HTTP/2: turns that run at
/// once share the provider connection instead of opening one each, stream to their viewers exactly as over HTTP/1.1,
/// and the running-turn limit counts one open file fewer per turn.
/// </summary>
public sealed class Http2ProviderTurnsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "h2turns", new EmulatorOptions { Http2 = true });
        _bed.Env.Settings["MAESTRO_PROVIDER_HTTP_VERSION"] = "2";
        _server = await WebServer.StartAsync(_bed.Env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Turns_at_once_share_one_http2_connection_and_every_viewer_gets_every_token_once_in_order()
    {
        const int count = 40;
        var names = await ApiSessions.CreateAsync(Http, "h2", count + 1, "synthetic:60@120");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // One turn first opens the connection to the provider; the forty after it, all at once, fit in its streams.
        var opener = EventWatcher.Start(Http, names[count], timeout.Token, out var openerRunning);
        await opener.Ready;
        (await Http.PostAsJsonAsync($"/api/sessions/{names[count]}/turns", new { text = "First" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await openerRunning;
        opener.TurnStatus.ShouldBe("completed");

        var viewing = new Task[count];
        var watchers = names.Take(count).Select((name, i) => EventWatcher.Start(Http, name, timeout.Token, out viewing[i])).ToArray();
        await Task.WhenAll(watchers.Select(w => w.Ready));
        var starts = await Task.WhenAll(names.Take(count).Select(name => Http.PostAsJsonAsync($"/api/sessions/{name}/turns", new { text = "All together" })));
        starts.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Accepted);
        await Task.WhenAll(viewing);

        var expected = (await EventWatcher.StoredAnswerAsync(Http, names[0])).Text;
        expected.Length.ShouldBeGreaterThan(100);
        opener.Text.ToString().ShouldBe((await EventWatcher.StoredAnswerAsync(Http, names[count])).Text);
        for (var i = 0; i < count; i++)
        {
            watchers[i].Problems.ShouldBeEmpty(names[i]);
            watchers[i].TurnStatus.ShouldBe("completed", names[i]);
            watchers[i].Text.ToString().ShouldBe(expected, names[i]);
        }

        var requests = _bed.Requests("anthropic");
        requests.Count.ShouldBe(count + 1);
        requests.ShouldAllBe(r => r.Protocol == "HTTP/2");
        requests.Select(r => r.Connection).Distinct().Count().ShouldBe(1, "over HTTP/1.1 each of the forty would hold a connection of its own");
    }

    [Fact]
    public void The_running_turn_limit_counts_two_open_files_per_turn_not_three()
    {
        var limit = _server.App.Services.GetRequiredService<TurnAdmissionOptions>().MaxRunningTurns;
        limit.ShouldBe(TurnAdmissionOptions.DefaultLimit(filesPerTurn: 2));
        limit.ShouldBeGreaterThanOrEqualTo(TurnAdmissionOptions.DefaultLimit(filesPerTurn: 3));
    }
}
