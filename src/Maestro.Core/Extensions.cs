using Maestro.Core.Auths;
using Maestro.Core.Configuration;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Events;
using Maestro.Core.Mcp;
using Maestro.Core.Models;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Core.Providers.Pipeline;
using Maestro.Core.Quota;
using Maestro.Core.Sessions;
using Maestro.Core.Telemetry;
using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;
using Maestro.Core.Turns;
using Maestro.Core.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Maestro.Core;

public static class Extensions
{
    /// <summary>The application services shared by the CLI and the web host.</summary>
    public static IServiceCollection AddMaestroCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<AuthService>();
        services.TryAddSingleton<ICredentialSourceFactory, StoredCredentialSourceFactory>();
        services.AddSingleton<ProviderConnections>();
        services.AddSingleton(new ModelCatalogOptions { Ttl = configuration.GetSeconds("MAESTRO_MODELS_TTL", TimeSpan.FromHours(1)) });
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<DefaultModels>();
        services.AddAuthQuota(configuration);
        services.AddSingleton<ModelValidation>();
        services.AddSingleton<AuthTester>();

        var providerHttpVersion = HttpVersionHandler.Parse("MAESTRO_PROVIDER_HTTP_VERSION", configuration.GetString("MAESTRO_PROVIDER_HTTP_VERSION"));
        services.AddSingleton(new ProviderRuntimeOptions
        {
            HttpVersion = providerHttpVersion,
            MaxRetries = configuration.GetInt("MAESTRO_PROVIDER_MAX_RETRIES", 3, min: 0, max: 10),
            RetryBaseDelay = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_PROVIDER_RETRY_DELAY_MS", 500, min: 0)),
            StreamIdleTimeout = configuration.GetSeconds("MAESTRO_STREAM_IDLE_TIMEOUT", TimeSpan.FromMinutes(5)),
            LogUnknownEvents = configuration.GetFlag("STREAM_LOG_UNKNOWN_EVENTS"),
            KeepRawEvents = configuration.GetFlag("STREAM_RAW_EVENTS"),
            CircuitBreaker = configuration.GetFlag("MAESTRO_CIRCUIT_BREAKER", defaultValue: true),
        });
        services.AddSingleton<ProviderRuntime>();
        services.AddMetrics();
        services.AddSingleton<MaestroMetrics>();
        services.AddSingleton(new TelemetryOptions { CaptureMessageContent = configuration.GetFlag("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT") });
        services.AddSingleton<ChatPipeline>();

        services.AddHttpClient(ProviderConnections.HttpClientName, client =>
            {
                // Streams are bounded by the idle timeout instead; this only bounds waiting for response headers.
                client.Timeout = TimeSpan.FromMinutes(10);
            })
            // Each auth keeps its client (and pipeline) for as long as the auth is unchanged: connections are recycled
            // by the pool instead of by rotating handlers, so DNS changes are still picked up.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // With HTTP/2, past a connection's stream limit (100 on most servers) a new connection is opened
                // instead of queueing the turn behind the others.
                EnableMultipleHttp2Connections = true,
                // A turn's stream is read at most once per pacing tick down to the socket (see PacedNetworkStream).
                ConnectCallback = PacedNetworkStream.ConnectAsync,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddProviderHandlers(httpDebug: configuration.GetFlag("HTTP_DEBUG"))
            .AddQuotaTracking();

        services.AddMaestroSessions(configuration, providerHttpVersion);
        services.AddMaestroOAuth(configuration);
        return services;
    }

    /// <summary>Sessions, the turn engine, tools, context management, live events and usage.</summary>
    private static IServiceCollection AddMaestroSessions(this IServiceCollection services, IConfiguration configuration, Version providerHttpVersion)
    {
        services.AddSingleton<Diagnostics.LoadCounters>();
        services.AddSingleton(sp => new SessionEventHub(sp.GetRequiredService<TimeProvider>(), sp.GetService<IEventBridge>()));
        services.AddSingleton(sp => new TurnSignals(sp.GetService<ISignalBridge>()));
        services.AddSingleton(new TurnEngineOptions
        {
            PersistInterval = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_PERSIST_INTERVAL_MS", 1000, min: 50, max: 60_000)),
            DefaultRoundLimit = configuration.GetInt("MAESTRO_ROUND_LIMIT", SessionSettings.DefaultRoundLimit, min: 1, max: 500),
            ReadCadence = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_STREAM_READ_MS", 100, min: 0, max: 5000)),
        });
        services.AddSingleton(new TurnAdmissionOptions
        {
            MaxRunningTurns = configuration.GetInt("MAESTRO_MAX_RUNNING_TURNS", TurnAdmissionOptions.DefaultLimit(
                filesPerTurn: providerHttpVersion == System.Net.HttpVersion.Version11 ? 3 : 2), min: 1),
        });
        services.AddSingleton<TurnAdmission>();
        services.AddSingleton<Turns.Persistence.TurnPersister>();
        services.AddBuiltInTools(configuration);
        services.AddMcp(configuration);
        services.AddSingleton<ContextWindows>();
        services.AddSingleton<ContextAssembler>();
        services.AddSingleton<ContextCompactor>();
        services.AddSingleton<ContextService>();
        services.AddSingleton<ToolExecutor>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<WaitForDecision>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<Prompts.PromptService>();
        services.AddSingleton<ConversationService>();
        services.AddSingleton<Conversations.Transfer.SessionExporter>();
        services.AddSingleton<Conversations.Transfer.SessionImporter>();
        services.AddSingleton<TurnRecovery>();
        services.AddSingleton<TurnContextBuilder>();
        services.AddSingleton<SessionTools>();
        services.AddSingleton<Turns.Persistence.TurnJournal>();
        services.AddSingleton<TurnRunnerFactory>();
        services.AddSingleton<TurnEngine>();
        services.AddSingleton<TurnSnapshots>();

        var home = MaestroHome.FromEnvironment(name => configuration[name]);
        services.AddSingleton(sp => PriceTable.Load(
            configuration.GetString("MAESTRO_PRICES") ?? home.Combine("prices.json"),
            sp.GetRequiredService<ProviderRegistry>().All.ToDictionary(p => p.Descriptor.Id, p => p.Prices, StringComparer.Ordinal)));
        services.AddSingleton<UsageWriteBehind>();
        services.AddSingleton<IUsageRecorder>(sp => sp.GetRequiredService<UsageWriteBehind>());
        services.AddSingleton<UsageService>();
        return services;
    }
}
