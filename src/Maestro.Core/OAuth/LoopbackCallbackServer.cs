using System.Net;
using Maestro.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.OAuth;

/// <summary>
/// The short-lived HTTP server on a loopback address that receives the browser after the user signed in
/// (<c>http://localhost:1455/auth/callback?code=…&amp;state=…</c>). It listens on loopback only, answers one path,
/// shows a small page, and stops after a success, an error, or when its login is abandoned.
/// </summary>
public sealed class LoopbackCallbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    private LoopbackCallbackServer(WebApplication app, Uri redirectUri)
    {
        _app = app;
        RedirectUri = redirectUri;
    }

    /// <summary>The redirect URI with the port actually listened on (configured port 0 = a free one).</summary>
    public Uri RedirectUri { get; }

    /// <summary>Completes when the server has stopped.</summary>
    public Task Stopped => _stopped.Task;

    /// <param name="redirectUri">A loopback http URL, e.g. <c>http://localhost:1455/auth/callback</c>.</param>
    /// <param name="setting">The setting that configures it, named when the port is busy.</param>
    /// <param name="onCallback">Handles the query of a request to the redirect path; runs to completion even if the browser leaves.</param>
    public static async Task<LoopbackCallbackServer> StartAsync(
        Uri redirectUri,
        string setting,
        Func<IReadOnlyDictionary<string, string>, Task<CallbackReply>> onCallback,
        CancellationToken cancellationToken)
    {
        var (address, port) = Validate(redirectUri, setting);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackCallbackServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        // The console lifetime would take over Ctrl+C and SIGTERM from the CLI.
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (address is null)
            {
                // "localhost": both loopback addresses, as browsers may try either.
                kestrel.ListenLocalhost(port);
            }
            else
            {
                kestrel.Listen(address, port);
            }
        });

        var app = builder.Build();
        LoopbackCallbackServer? server = null;
        var path = redirectUri.AbsolutePath;
        app.Run(async context =>
        {
            var response = context.Response;
            response.Headers.CacheControl = "no-store";
            response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'";
            response.Headers["Referrer-Policy"] = "no-referrer";
            if (!string.Equals(context.Request.Path.Value, path, StringComparison.Ordinal))
            {
                await WriteAsync(response, 404, new CallbackReply(false, "Not found", "This address only receives Maestro's login callback.", Final: false));
                return;
            }

            if (!HttpMethods.IsGet(context.Request.Method))
            {
                await WriteAsync(response, 405, new CallbackReply(false, "Method not allowed", "The login callback is a GET request.", Final: false));
                return;
            }

            var query = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in context.Request.Query)
            {
                query[key] = value.ToString();
            }

            var reply = await onCallback(query);
            if (reply.Final)
            {
                response.OnCompleted(() =>
                {
                    _ = Task.Run(() => server!.StopAsync());
                    return Task.CompletedTask;
                });
            }

            await WriteAsync(response, reply.Success ? 200 : 400, reply);
        });

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            var busy = ex.InnerException is AddressInUseException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            throw busy
                ? new MaestroException(
                    $"Port {port} is already in use, so Maestro cannot receive the login callback at {redirectUri}.",
                    $"Stop the program using port {port} (another login in progress?), or set {setting} to a loopback URL with another port that your OAuth client accepts.")
                : new MaestroException($"Cannot listen on {redirectUri} for the login callback: {ex.Message}", $"Check {setting}.");
        }

        var actualPort = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var actual = new UriBuilder(redirectUri) { Port = actualPort }.Uri;
        server = new LoopbackCallbackServer(app, actual);
        return server;
    }

    /// <summary>Checks that <paramref name="redirectUri"/> is a loopback http URL; returns the address to bind (null = localhost).</summary>
    public static (IPAddress? Address, int Port) Validate(Uri redirectUri, string setting)
    {
        if (redirectUri.Scheme != Uri.UriSchemeHttp)
        {
            throw new MaestroException($"{setting}='{redirectUri}' must be a loopback http URL, e.g. http://localhost:1455/auth/callback.");
        }

        IPAddress? address = redirectUri.Host switch
        {
            "localhost" => null,
            "127.0.0.1" => IPAddress.Loopback,
            "[::1]" or "::1" => IPAddress.IPv6Loopback,
            _ => throw new MaestroException(
                $"{setting}='{redirectUri}' is not a loopback address; the login callback listens on localhost, 127.0.0.1 or [::1] only."),
        };
        var port = redirectUri.Port;
        // Kestrel cannot pick a free port for "localhost" (two sockets); bind IPv4 loopback then.
        return port == 0 && address is null ? (IPAddress.Loopback, 0) : (address, port);
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            await _stopped.Task;
            return;
        }

        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task WriteAsync(HttpResponse response, int status, CallbackReply reply)
    {
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(CallbackPage.Render(reply));
    }

    /// <summary>A host lifetime that leaves process signals to the application that embeds the server.</summary>
    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
