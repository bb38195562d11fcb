using Polly;
using Polly.Retry;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// The one retry shape Maestro uses for outbound calls: exponential backoff with jitter from the configured base
/// delay, at most 30 s between tries, a server's Retry-After taking precedence when the caller accepts it.
/// </summary>
public static class BackoffRetry
{
    public static RetryStrategyOptions Options(
        ProviderRuntimeOptions options,
        Func<Exception?, bool> shouldRetry,
        Func<Exception?, TimeSpan?> retryAfter,
        Action<Exception?, TimeSpan, int> onRetry) => new()
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
            ShouldHandle = args => ValueTask.FromResult(shouldRetry(args.Outcome.Exception)),
            DelayGenerator = args => ValueTask.FromResult(retryAfter(args.Outcome.Exception)),
            OnRetry = args =>
            {
                onRetry(args.Outcome.Exception, args.RetryDelay, args.AttemptNumber + 1);
                return ValueTask.CompletedTask;
            },
        };
}
