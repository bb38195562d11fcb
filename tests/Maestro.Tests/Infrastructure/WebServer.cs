using System.Net;
using System.Net.Http.Headers;
using Maestro.Core.Access;
using Maestro.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// The real web host on a free loopback port, configured from a test environment. Its clients authenticate the way
/// real ones do: <see cref="Client"/> sends the access token that the server wrote to $MAESTRO_HOME/access-token (as
/// the CLI and scripts read it); <see cref="SignInAsync"/> signs in at /login and keeps the cookie, as a browser does.
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    private int _disposed;

    private WebServer(WebApplication app, Uri baseUrl, string? accessToken)
    {
        App = app;
        BaseUrl = baseUrl;
        AccessToken = accessToken;
        Client = new HttpClient { BaseAddress = baseUrl };
        if (accessToken is not null)
        {
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; }

    /// <summary>The access token from the token file (null when the server runs with --no-auth).</summary>
    public string? AccessToken { get; }

    /// <summary>An API client with the access token.</summary>
    public HttpClient Client { get; }

    /// <param name="configureServices">Extra services for this test (e.g. a provider that exists only in tests).</param>
    public static async Task<WebServer> StartAsync(
        MaestroTestEnvironment environment, WebServerOptions? options = null, Action<IServiceCollection>? configureServices = null)
    {
        var app = MaestroWebApp.Build(options ?? new WebServerOptions(Port: 0), environment.Configuration(), configureServices);
        await app.StartAsync();
        return new WebServer(app, app.ListeningAddress(), ReadAccessToken(environment.Home));
    }

    /// <summary>The token as a client on the server's machine reads it (null when there is no token file).</summary>
    public static string? ReadAccessToken(string home)
    {
        var path = Path.Combine(home, AccessTokenFile.FileName);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>
    /// An API client for a server started elsewhere (`maestro serve` as a process) on <paramref name="home"/>, with the
    /// token it wrote there (the caller disposes it).
    /// </summary>
    public static HttpClient ClientFor(int port, string home)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var token = ReadAccessToken(home) ?? throw new InvalidOperationException($"No access token in {home}: has the server started?");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client without credentials (the caller disposes it).</summary>
    public HttpClient Anonymous(HttpMessageHandler? handler = null) =>
        new(handler ?? new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseUrl };

    /// <summary>
    /// A browser-like client signed in at /login with <paramref name="secret"/> (default: the access token), holding
    /// the session cookie (the caller disposes it).
    /// </summary>
    public async Task<HttpClient> SignInAsync(string? secret = null)
    {
        var browser = Anonymous(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        using var response = await browser.PostAsync("/login", new FormUrlEncodedContent([new("secret", secret ?? AccessToken ?? "")]));
        if (!response.IsSuccessStatusCode)
        {
            browser.Dispose();
            throw new InvalidOperationException($"Signing in failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return browser;
    }

    public async ValueTask DisposeAsync()
    {
        // A test may stop a server before the end of its `await using` scope (to see what its peers make of that).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
