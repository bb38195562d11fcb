using Maestro.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Infrastructure;

/// <summary>The real web host on a free loopback port, configured from a test environment.</summary>
public sealed class WebServer : IAsyncDisposable
{
    private WebServer(WebApplication app, Uri baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl };
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; }

    public HttpClient Client { get; }

    /// <param name="configureServices">Extra services for this test (e.g. a provider that exists only in tests).</param>
    public static async Task<WebServer> StartAsync(MaestroTestEnvironment environment, Action<IServiceCollection>? configureServices = null)
    {
        var app = MaestroWebApp.Build(new WebServerOptions(Port: 0), environment.Configuration(), configureServices);
        await app.StartAsync();
        return new WebServer(app, app.ListeningAddress());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
