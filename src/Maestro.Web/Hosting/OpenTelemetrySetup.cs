using Maestro.Core.Configuration;
using Maestro.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Maestro.Web.Hosting;

/// <summary>
/// OpenTelemetry for the server and the CLI, exported with OTLP — only when an OTLP endpoint is configured
/// (OTEL_EXPORTER_OTLP_ENDPOINT, or the _TRACES_/_METRICS_ ones) and OTEL_SDK_DISABLED is not true; otherwise nothing is
/// registered and nothing listens, so the instrumentation costs nothing. The SDK reads the other standard variables
/// itself: OTEL_SERVICE_NAME (default "maestro"), OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_PROTOCOL (grpc by default,
/// or http/protobuf), OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER(_ARG), OTEL_METRIC_EXPORT_INTERVAL.
/// </summary>
public static class OpenTelemetrySetup
{
    private const int MaxSeriesPerMetric = 20_000;

    public static bool IsEnabled(IConfiguration configuration) =>
        !configuration.GetFlag("OTEL_SDK_DISABLED") &&
        (configuration.GetString("OTEL_EXPORTER_OTLP_ENDPOINT") ?? configuration.GetString("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ??
         configuration.GetString("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")) is not null;

    /// <summary>
    /// Traces: Maestro's turn (<c>invoke_agent</c>), <c>chat</c> and <c>execute_tool</c> spans with the ASP.NET Core,
    /// HttpClient and Npgsql spans beneath. Metrics: Maestro's (GenAI token usage, durations, time to first token,
    /// turns, viewers, OAuth refreshes), ASP.NET Core, HttpClient, the .NET runtime and Npgsql (connection pool use).
    /// </summary>
    public static IServiceCollection AddMaestroOpenTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsEnabled(configuration))
        {
            return services;
        }

        // The SDK takes the OTEL_* settings from the registered configuration (the environment, or a test's overrides).
        services.TryAddSingleton(configuration);
        services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (configuration.GetString("OTEL_SERVICE_NAME") is null)
                {
                    resource.AddService("maestro", serviceVersion: typeof(OpenTelemetrySetup).Assembly.GetName().Version?.ToString());
                }
            })
            .WithTracing(tracing => tracing
                .AddSource(MaestroTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(MaestroTelemetry.Name)
                // One series per auth × model × token type: past the SDK's default of 2,000 series a metric, new
                // combinations would be folded into one overflow series and lost.
                .AddView(instrument => instrument.Meter.Name == MaestroTelemetry.Name
                    ? new MetricStreamConfiguration { CardinalityLimit = MaxSeriesPerMetric }
                    : null)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddOtlpExporter());
        return services;
    }

    /// <summary>
    /// Starts the providers in a process without a host (the CLI): they start with the host otherwise. Disposing the
    /// service provider flushes what is left.
    /// </summary>
    public static void Start(IServiceProvider services)
    {
        services.GetService<TracerProvider>();
        services.GetService<MeterProvider>();
    }
}
