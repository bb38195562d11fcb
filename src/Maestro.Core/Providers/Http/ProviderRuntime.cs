using Microsoft.Extensions.Logging;

namespace Maestro.Core.Providers.Http;

/// <summary>Settings for every provider call (environment variables in parentheses).</summary>
public sealed class ProviderRuntimeOptions
{
    /// <summary>Retries of a transient failure before the first streamed byte (MAESTRO_PROVIDER_MAX_RETRIES, default 3).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First backoff delay; doubles with jitter (MAESTRO_PROVIDER_RETRY_DELAY_MS, default 500).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A Retry-After longer than this is not waited for: the error is returned with its Retry-After.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A stream with no bytes for this long is a transport error (MAESTRO_STREAM_IDLE_TIMEOUT seconds, default 300).</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>STREAM_LOG_UNKNOWN_EVENTS=1: log stream event types an adapter does not know.</summary>
    public bool LogUnknownEvents { get; init; }

    /// <summary>
    /// STREAM_RAW_EVENTS=1: every streamed update's <c>RawRepresentation</c> is a <see cref="RawProviderEvent"/>, a copy of
    /// the event the provider sent. Off by default: nothing in Maestro reads it, and the copy was an eighth of all that a
    /// streamed token allocated (HTTP_DEBUG shows the wire instead).
    /// </summary>
    public bool KeepRawEvents { get; init; }

    /// <summary>Open a provider's circuit after repeated server failures (MAESTRO_CIRCUIT_BREAKER=0 turns it off).</summary>
    public bool CircuitBreaker { get; init; } = true;

    /// <summary>
    /// The HTTP version asked of providers (MAESTRO_PROVIDER_HTTP_VERSION: 1.1, the default, or 2; see
    /// <see cref="HttpVersionHandler"/>).
    /// </summary>
    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;
}

/// <summary>The shared machinery of provider calls: resilience pipelines, diagnostics, time.</summary>
public sealed class ProviderRuntime(ProviderRuntimeOptions options, TimeProvider time, ILoggerFactory loggerFactory, Auths.AuthHealthTracker? health = null)
{
    /// <summary>Follows each auth's outcomes (absent in adapter tests and benchmarks that build a runtime by hand).</summary>
    public Auths.AuthHealthTracker? Health => health;

    private readonly ProviderResilience _resilience = new(options, time, loggerFactory.CreateLogger("Maestro.Providers.Retry"));

    public ProviderRuntimeOptions Options => options;

    public TimeProvider Time => time;

    public ILoggerFactory LoggerFactory => loggerFactory;

    public StreamDiagnostics Diagnostics { get; } = new(options.LogUnknownEvents, loggerFactory.CreateLogger("Maestro.Providers.Stream"));

    public ProviderResilience Resilience => _resilience;
}
