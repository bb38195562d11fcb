using System.Collections.Concurrent;
using System.Globalization;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Outbound;
using Maestro.Gateway.Usage;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Limits;

/// <summary>
/// A key's budget (US$ per calendar month, UTC) and rate limits (requests and tokens per minute). Checked before a
/// request goes anywhere; a key over a limit gets the client's own 429 with Retry-After. Rate windows are per process;
/// the month's spend is read from the database (every few seconds) plus what this process has not written yet.
/// </summary>
public sealed class KeyLimits(IGatewayUsageStore usage, UsageRecorder recorder, TimeProvider time, ILogger<KeyLimits> logger) : IDisposable
{
    private static readonly TimeSpan SpendTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, MinuteWindow> _windows = new();
    private readonly SemaphoreSlim _spendLock = new(1, 1);
    private Spend? _spend;

    /// <summary>Null when the key may make a request now (which is then counted), else the 429 to answer.</summary>
    internal async ValueTask<GatewayError?> AdmitAsync(GatewayKey key, CancellationToken cancellationToken)
    {
        if (key.BudgetUsd is { } budget)
        {
            var spent = await SpentAsync(key.Id, cancellationToken);
            if (spent >= budget)
            {
                // No Retry-After: SDKs honour it before retrying, and a wait until next month would hang the caller
                // (OpenAI's own insufficient_quota carries none either). The message says when the budget resets.
                var nextMonth = MonthStart(time.GetUtcNow()).AddMonths(1);
                return new GatewayError(429, ErrorClass.Quota,
                    $"Gateway key '{key.Name}' has used its budget of US${budget.ToString("0.##", CultureInfo.InvariantCulture)} for this month " +
                    $"(US${spent.ToString("0.####", CultureInfo.InvariantCulture)} spent); it resets on {nextMonth:yyyy-MM-dd} (UTC).",
                    Code: "insufficient_quota");
            }
        }

        if (key.Rpm is null && key.Tpm is null)
        {
            return null;
        }

        var window = _windows.GetOrAdd(key.Id, static _ => new MinuteWindow());
        if (window.TryAdmit(time.GetUtcNow().ToUnixTimeSeconds(), key.Rpm, key.Tpm) is { } wait)
        {
            var (requests, tokens) = window.Current(time.GetUtcNow().ToUnixTimeSeconds());
            var which = key.Rpm is { } rpm && requests >= rpm
                ? $"{rpm} requests per minute"
                : $"{key.Tpm} tokens per minute ({tokens} used in the last minute)";
            return new GatewayError(429, ErrorClass.RateLimit,
                $"Gateway key '{key.Name}' is limited to {which}; try again in {wait.TotalSeconds:0} s.",
                Code: "rate_limit_exceeded", RetryAfter: wait);
        }

        return null;
    }

    /// <summary>Counts a finished request's tokens against the key's per-minute token limit.</summary>
    internal void AddTokens(GatewayKey key, long tokens)
    {
        if (key.Tpm is not null && tokens > 0)
        {
            _windows.GetOrAdd(key.Id, static _ => new MinuteWindow()).AddTokens(time.GetUtcNow().ToUnixTimeSeconds(), tokens);
        }
    }

    /// <summary>This month's spend of a key: written rows plus queued ones.</summary>
    public async ValueTask<decimal> SpentAsync(Guid keyId, CancellationToken cancellationToken)
    {
        var spend = await CurrentSpendAsync(cancellationToken);
        return (spend.ByKey.TryGetValue(keyId, out var written) ? written.Cost : 0) + recorder.Unwritten(keyId);
    }

    public void Dispose() => _spendLock.Dispose();

    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private async ValueTask<Spend> CurrentSpendAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = Volatile.Read(ref _spend);
        if (current is not null && now - current.ReadAt < SpendTtl && MonthStart(now) == current.Month)
        {
            return current;
        }

        await _spendLock.WaitAsync(cancellationToken);
        try
        {
            current = Volatile.Read(ref _spend);
            if (current is not null && now - current.ReadAt < SpendTtl && MonthStart(now) == current.Month)
            {
                return current;
            }

            try
            {
                var month = MonthStart(now);
                current = new Spend(month, now, await usage.TotalsAsync(month, cancellationToken));
            }
            catch (Exception ex) when (current is not null && ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Gateway: reading this month's spend failed; budgets use the last figures read.");
                current = current with { ReadAt = now };
            }

            Volatile.Write(ref _spend, current);
            return current;
        }
        finally
        {
            _spendLock.Release();
        }
    }

    private sealed record Spend(DateTimeOffset Month, DateTimeOffset ReadAt, IReadOnlyDictionary<Guid, (long Requests, decimal Cost)> ByKey);
}
