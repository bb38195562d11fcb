using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Maestro.Core.Access;
using Maestro.Core.Configuration;
using Maestro.Gateway.Endpoints;
using Maestro.Web.Access;
using Maestro.Web.Api;
using Maestro.Web.Components;
using Maestro.Web.Demo;
using Maestro.Web.Hosting;
using Maestro.Web.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Web;

/// <summary>Where `maestro serve` listens.</summary>
/// <param name="Port">0 picks a free port (tests).</param>
/// <param name="NoAuth">`--no-auth`: let everyone in (refused unless <paramref name="Host"/> is a loopback address).</param>
public sealed record WebServerOptions(int Port = 4000, string Host = "127.0.0.1", bool NoAuth = false);

/// <summary>Builds the web host: REST API, server-sent events and the UI, on loopback unless told otherwise.</summary>
public static class MaestroWebApp
{
    public static WebApplication Build(WebServerOptions server, IConfiguration? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.Configuration.AddConfiguration(overrides);
        }

        var configuration = builder.Configuration;
        var access = AccessSettings.From(configuration, server);
        ExposureRules.Check(server.Host, access);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ParseAddress(server.Host), server.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging => MaestroLogging.Configure(logging, configuration));

        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // A number is a JSON number: "NaN", "Infinity" and "0.5" as strings are wrong types, refused naming the field.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery();
        builder.Services.AddMaestroAccess(access);
        builder.Services.AddMaestro(configuration);
        builder.Services.AddSingleton(new EventStreamOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_STREAM_FLUSH_MS", 100, min: 0, max: 5000)),
        });
        builder.Services.AddSingleton<SessionEventStream>();
        builder.Services.AddSingleton(new LiveStreamOptions { MaxDuration = configuration.GetSeconds("MAESTRO_UI_STREAM_MAX_SECONDS", TimeSpan.FromMinutes(10)) });
        builder.Services.AddSingleton<FragmentRenderer>();
        builder.Services.AddSingleton<Demo.OfflineDemo>();
        builder.Services.AddSingleton<ChatFragments>();
        builder.Services.AddSingleton<LiveChatStream>();
        builder.Services.AddSingleton<LiveDashboardStream>();
        builder.Services.AddSingleton<InboxCount>();
        builder.Services.AddSingleton<InboxFragments>();
        builder.Services.AddSingleton<LiveInboxStream>();
        builder.Services.AddSingleton<LiveLoginStream>();
        builder.Services.AddSingleton<LiveAuthStream>();
        builder.Services.AddSingleton<McpHubData>();
        builder.Services.AddSingleton<GatewayViews>();
        builder.Services.AddSingleton<LiveGatewayStream>();
        builder.Services.AddHostedService<LiveEventsService>();
        builder.Services.AddHostedService<PriceSettingsRefresher>();
        builder.Services.AddHostedService<SavedProvidersListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Maestro.Core.Turns.TurnRecovery>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Maestro.Core.OAuth.OAuthRefreshService>());
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        if (access.Enabled)
        {
            app.Services.GetRequiredService<MaestroHome>().EnsureWritable();
            app.Services.GetRequiredService<AccessTokenFile>().EnsureCreated();
        }
        else
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Maestro.Web.Access").LogWarning("{Warning}", ExposureRules.NoAuthWarning);
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<StreamShutdown>();
        app.UseTrustedProxies(access);
        app.UseMiddleware<LocalRequestGuard>(AllowedHosts(server.Host, configuration, access));
        app.UseMiddleware<ApiExceptionMiddleware>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedAssets(),
            RequestPath = "/assets",
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<StreamRevalidation>();
        app.UseRateLimiter();
        // After authentication: a stranger's request is refused before its body is read.
        app.UseMiddleware<HostileInputGuard>();
        app.UseAntiforgery();

        app.MapHealth();
        app.MapLogin();
        app.MapProviderApi();
        app.MapAuthApi();
        app.MapOAuthApi();
        app.MapSessionApi();
        app.MapApprovalApi();
        app.MapSessionTransferApi();
        app.MapPromptApi();
        app.MapMcpApi();
        app.MapGatewayApi();
        app.MapGateway();
        app.MapDemoApi();
        app.MapSettingsApi();
        app.MapProviderSettingsApi();

        var ui = app.MapGroup("/ui").AddEndpointFilter<HtmxOnly>().DisableAntiforgery();
        ui.MapAuthFragments();
        ui.MapOAuthUi();
        ui.MapSessionUi();
        ui.MapChatUi();
        ui.MapContextUi();
        ui.MapHistoryUi();
        ui.MapImportUi();
        ui.MapMcpUi();
        ui.MapGatewayUi();
        ui.MapDemoUi();
        ui.MapSettingsUi();
        ui.MapProviderSettingsUi();
        app.MapLiveUi();

        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>The address the server actually listens on (with the real port when 0 was asked for).</summary>
    public static Uri ListeningAddress(this WebApplication app) =>
        new(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

    private static IPAddress ParseAddress(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        _ when IPAddress.TryParse(host, out var address) => address,
        _ => throw new Core.Errors.MaestroException($"--host '{host}' is not an IP address.", "Use 127.0.0.1 (default), ::1, or 0.0.0.0 to listen on every interface."),
    };

    private static HashSet<string> AllowedHosts(string host, IConfiguration configuration, AccessSettings access)
    {
        var extra = configuration.GetString("MAESTRO_ALLOWED_HOSTS");
        if (extra == "*")
        {
            return [];
        }

        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "[::1]", "::1" };
        if (access.PublicUrl is not null)
        {
            hosts.Add(access.PublicUrl.Host);
        }

        if (host is not ("0.0.0.0" or "::"))
        {
            hosts.Add(host);
        }
        else
        {
            // Listening on every interface: the machine's own names are reachable too.
            hosts.Add(Dns.GetHostName());
            foreach (var address in Dns.GetHostAddresses(Dns.GetHostName()))
            {
                hosts.Add(address.ToString());
            }
        }

        foreach (var name in (extra ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            hosts.Add(name);
        }

        return hosts;
    }
}
