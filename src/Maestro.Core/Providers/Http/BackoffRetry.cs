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
        Action<Exception?, TimeSpan, int> onRetry)
    {
        var result = new RetryStrategyOptions();
        Configure(result, options, shouldRetry, retryAfter, onRetry);
        return result;
    }

    public static RetryStrategyOptions<T> Options<T>(
        ProviderRuntimeOptions options,
        Func<Exception?, bool> shouldRetry,
        Func<Exception?, TimeSpan?> retryAfter,
        Action<Exception?, TimeSpan, int> onRetry)
    {
        var result = new RetryStrategyOptions<T>();
        Configure(result, options, shouldRetry, retryAfter, onRetry);
        return result;
    }

    private static void Configure<T>(
        RetryStrategyOptions<T> result,
        ProviderRuntimeOptions options,
        Func<Exception?, bool> shouldRetry,
        Func<Exception?, TimeSpan?> retryAfter,
        Action<Exception?, TimeSpan, int> onRetry)
    {
        result.MaxRetryAttempts = options.MaxRetries;
        result.BackoffType = DelayBackoffType.Exponential;
        result.UseJitter = true;
        result.Delay = options.RetryBaseDelay;
        result.MaxDelay = TimeSpan.FromSeconds(30);
        result.ShouldHandle = args => ValueTask.FromResult(shouldRetry(args.Outcome.Exception));
        result.DelayGenerator = args => ValueTask.FromResult(retryAfter(args.Outcome.Exception));
        result.OnRetry = args =>
        {
            onRetry(args.Outcome.Exception, args.RetryDelay, args.AttemptNumber + 1);
            return ValueTask.CompletedTask;
        };
    }
}
