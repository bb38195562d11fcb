using System.Collections.Concurrent;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Retries transient failures that happen before any response byte is read (exponential backoff with jitter,
/// honouring Retry-After), behind a circuit breaker per provider and auth so an endpoint that keeps failing fails
/// fast. The failures are the typed errors of <see cref="ProviderErrorHandler"/>, so a provider's own reading of a
/// response (a 429 that is an exhausted quota, say) decides what is worth another try.
/// </summary>
public sealed class ProviderResilience(ProviderRuntimeOptions options, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);

    /// <summary>The HTTP handler: each request runs under the pipeline of its provider and auth.</summary>
    public DelegatingHandler CreateHandler() => new ResilienceHandler(For);

    /// <summary>The pipeline of the request's provider and auth, created once; requests of no auth pass straight through.</summary>
    public ResiliencePipeline<HttpResponseMessage> For(HttpRequestMessage request) =>
        ProviderRequest.Of(request) is { } call
            ? _pipelines.GetOrAdd(call.Connection.CircuitKey, static (_, state) => state.Self.Build(state.Provider), (Self: this, Provider: call.Connection.Auth.Provider))
            : ResiliencePipeline<HttpResponseMessage>.Empty;

    /// <summary>The message for a request refused because the circuit is open.</summary>
    internal static ProviderException CircuitOpen(ProviderRequestContext context, BrokenCircuitException ex) => new(
        ProviderErrorKind.Overloaded,
        $"{context.Provider} at {context.BaseUrl.Authority} failed repeatedly for {context.AuthLabel}; Maestro paused requests to it for a few seconds.",
        retryAfter: ex.RetryAfter,
        inner: ex,
        hint: "Try again shortly.");

    private ResiliencePipeline<HttpResponseMessage> Build(string provider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            var retry = BackoffRetry.Options<HttpResponseMessage>(
                options,
                error => error is ProviderException e && ShouldRetry(e),
                error => error is ProviderException { RetryAfter: { } retryAfter } ? retryAfter : null,
                (error, delay, attempt) => logger.LogWarning(
                    "{Provider}: {Error} Retrying in {Delay:0.0} s (attempt {Attempt} of {Max}).",
                    provider, error?.Message, delay.TotalSeconds, attempt, options.MaxRetries));
            var shouldRetry = retry.ShouldHandle;

            // A connection may allow fewer retries than the app (a gateway pool member fails over instead of waiting).
            retry.ShouldHandle = args =>
                args.Context.GetRequestMessage() is { } request && ProviderRequest.Of(request) is { } call &&
                args.AttemptNumber >= call.Connection.Runtime.Options.MaxRetries
                    ? ValueTask.FromResult(false)
                    : shouldRetry(args);
            builder.AddRetry(retry);
        }

        if (options.CircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
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
}
