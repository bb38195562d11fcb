using System.Net;
using Maestro.Emulator.Anthropic;
using Maestro.Emulator.ChatGpt;
using Maestro.Emulator.CodeAssist;
using Maestro.Emulator.Control;
using Maestro.Emulator.Gemini;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.OAuth;
using Maestro.Emulator.OpenAI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Emulator;

/// <summary>
/// Wire-faithful fakes of the Anthropic, OpenAI and Gemini HTTP APIs on one loopback port, under
/// <c>/anthropic</c>, <c>/openai</c> and <c>/gemini</c>, the subscription backends under <c>/chatgpt</c> and
/// <c>/codeassist</c>, plus the <c>/_emulator</c> control API.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private EmulatorServer(WebApplication app, Uri baseUrl, EmulatorControl control, EmulatedAuthorizationServer oauth)
    {
        _app = app;
        BaseUrl = baseUrl;
        Control = control;
        OAuth = oauth;
    }

    /// <summary><c>http://127.0.0.1:N</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Scripts and recorded requests, in process.</summary>
    public EmulatorControl Control { get; }

    /// <summary>The emulated authorization servers (OpenAI, Anthropic, Google): settings, recorded token requests, revocation.</summary>
    public EmulatedAuthorizationServer OAuth { get; }

    /// <summary>Starts listening on 127.0.0.1 (on a free port when <see cref="EmulatorOptions.Port"/> is 0).</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // The host's own logs stay quiet; the emulator writes its one line per request to the caller's logger.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (options.Http2)
                {
                    // Kestrel accepts HTTP/2 without TLS only on an endpoint that speaks nothing else.
                    listen.Protocols = HttpProtocols.Http2;
                }
            });
            kestrel.Limits.MaxRequestBodySize = 256L * 1024 * 1024;
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Maestro.Emulator");
        var services = new EmulatorServices(options, app.Lifetime.ApplicationStopping);
        var logging = new RequestLogging(logger);
        app.Use((context, next) => logging.InvokeAsync(context, next));
        ControlEndpoints.Map(app, services);
        AnthropicEndpoints.Map(app, services);
        OpenAIEndpoints.Map(app, services);
        GeminiEndpoints.Map(app, services);
        ChatGptEndpoints.Map(app, services);
        CodeAssistEndpoints.Map(app, services);
        OAuthEndpoints.Map(app, services);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        logger.LogInformation("Provider emulator listening on {BaseUrl}", baseUrl);
        return new EmulatorServer(app, baseUrl, services.Control, services.OAuth);
    }

    /// <summary>
    /// The base URL of one emulated provider, e.g. <c>ProviderUrl("anthropic")</c> = <c>http://127.0.0.1:N/anthropic</c>
    /// (no trailing slash); append the provider's usual paths (<c>/v1/messages</c>).
    /// </summary>
    public Uri ProviderUrl(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var name = prefix.Trim('/');
        if (!EmulatorProviders.All.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown provider prefix '{prefix}'; use one of {string.Join(", ", EmulatorProviders.All)}.", nameof(prefix));
        }

        return new Uri(BaseUrl, name);
    }

    /// <summary>
    /// The settings that point Maestro's OAuth logins at this emulator (endpoint URLs, and a client id and secret for
    /// Google), by environment-variable name.
    /// </summary>
    public IReadOnlyDictionary<string, string> OAuthSettings() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OPENAI_AUTHORIZATION_ENDPOINT"] = Url(OAuthDialect.OpenAI.AuthorizePath),
        ["OPENAI_TOKEN_ENDPOINT"] = Url(OAuthDialect.OpenAI.TokenPath),
        ["OPENAI_DEVICE_AUTH_BASE_URL"] = Url("/oauth/openai"),
        ["ANTHROPIC_AUTHORIZATION_ENDPOINT"] = Url(OAuthDialect.Anthropic.AuthorizePath),
        ["ANTHROPIC_TOKEN_ENDPOINT"] = Url(OAuthDialect.Anthropic.TokenPath),
        ["ANTHROPIC_REDIRECT_URI"] = Url(OAuthEndpoints.AnthropicCodePagePath),
        ["ANTHROPIC_CREATE_API_KEY_ENDPOINT"] = Url(OAuthEndpoints.AnthropicCreateApiKeyPath),
        ["GEMINI_AUTHORIZATION_ENDPOINT"] = Url(OAuthDialect.Google.AuthorizePath),
        ["GEMINI_TOKEN_ENDPOINT"] = Url(OAuthDialect.Google.TokenPath),
        ["GEMINI_OAUTH_CLIENT_ID"] = "emulator-client.apps.googleusercontent.com",
        ["GEMINI_OAUTH_CLIENT_SECRET"] = "emulator-client-secret",
    };

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled (e.g. Ctrl+C in <c>maestro emulate</c>), then stops
    /// the server gracefully; returns normally in that case.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        await _app.WaitForShutdownAsync(cancellationToken);
    }

    private string Url(string path) => new Uri(BaseUrl, path).AbsoluteUri;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
