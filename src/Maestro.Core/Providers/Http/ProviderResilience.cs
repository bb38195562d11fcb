using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Retries transient failures that happen before any response byte is read (exponential backoff with jitter,
/// honouring Retry-After), behind a circuit breaker per provider endpoint so a provider that is down fails fast.
/// </summary>
public sealed class ProviderResilience(ProviderRuntimeOptions options, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new(StringComparer.Ordinal);

    /// <summary>The pipeline for one provider endpoint (provider id and host), created once.</summary>
    public ResiliencePipeline For(string provider, Uri baseUrl) =>
        _pipelines.GetOrAdd($"{provider}|{baseUrl.Authority}", static (_, state) => state.Self.Build(state.Provider), (Self: this, Provider: provider));

    private ResiliencePipeline Build(string provider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(BackoffRetry.Options(
                options,
                error => error is ProviderException e && ShouldRetry(e),
                error => error is ProviderException { RetryAfter: { } retryAfter } ? retryAfter : null,
                (error, delay, attempt) => logger.LogWarning(
                    "{Provider}: {Error} Retrying in {Delay:0.0} s (attempt {Attempt} of {Max}).",
                    provider, error?.Message, delay.TotalSeconds, attempt, options.MaxRetries)));
        }

        if (options.CircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.8,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(10),
                // Rate limits are per key and say nothing about the provider's health.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is ProviderException { Kind: ProviderErrorKind.Overloaded or ProviderErrorKind.Server or ProviderErrorKind.Transport }),
                OnOpened = args =>
                {
                    logger.LogWarning("{Provider}: too many failures; pausing requests for {Seconds:0} s.", provider, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private bool ShouldRetry(ProviderException error) =>
        error.IsTransient && (error.RetryAfter is null || error.RetryAfter <= options.MaxRetryAfter);

    /// <summary>The message for a request refused because the circuit is open.</summary>
    internal static ProviderException CircuitOpen(ProviderRequestContext context, BrokenCircuitException ex) => new(
        ProviderErrorKind.Overloaded,
        $"{context.Provider} at {context.BaseUrl.Authority} failed repeatedly; Maestro paused requests to it for a few seconds.",
        retryAfter: ex.RetryAfter,
        inner: ex,
        hint: "Try again shortly.");
}
