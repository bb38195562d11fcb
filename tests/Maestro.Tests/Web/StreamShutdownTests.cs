using System.Net;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maestro.Tests.Web;

/// <summary>Stopping the server ends its open live streams at once, instead of waiting out the shutdown timeout.</summary>
public sealed class StreamShutdownTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await MaestroTestEnvironment.CreateAsync(postgres, "stream-stop");

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task A_stop_ends_every_open_stream_cleanly_and_answers_nothing_half_done()
    {
        // A shutdown timeout far longer than the test's wait: only ending the streams can let the stop finish in time.
        var server = await WebServer.StartAsync(_env, configureServices: services =>
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        using var browser = await server.SignInAsync();
        using var byToken = await server.Client.GetAsync("/api/oauth/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var byCookie = await browser.GetAsync("/ui/live/dashboard", HttpCompletionOption.ResponseHeadersRead, Ct);
        byToken.StatusCode.ShouldBe(HttpStatusCode.OK);
        byCookie.StatusCode.ShouldBe(HttpStatusCode.OK);
        var tokenRead = ReadToEndAsync(byToken);
        var cookieRead = ReadToEndAsync(byCookie);

        var stopping = server.DisposeAsync().AsTask();

        // Ended by the server, not cut: each stream reads to its end without an error.
        await tokenRead.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await cookieRead.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await stopping.WaitAsync(TimeSpan.FromMinutes(2), Ct);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ReadToEndAsync(HttpResponseMessage response)
    {
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        await body.CopyToAsync(Stream.Null, Ct);
    }
}
