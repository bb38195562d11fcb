namespace Maestro.Gateway.Limits;

/// <summary>
/// Requests and tokens of one key over the last minute, in one-second buckets (a sliding window accurate to a
/// second). Per request, not per token; a small lock keeps it consistent.
/// </summary>
internal sealed class MinuteWindow
{
    private const int Buckets = 60;
    private readonly long[] _seconds = new long[Buckets];
    private readonly int[] _requests = new int[Buckets];
    private readonly long[] _tokens = new long[Buckets];
    private readonly Lock _gate = new();

    /// <summary>Counts a request now if the limits allow it; otherwise returns how long until one would be.</summary>
    public TimeSpan? TryAdmit(long nowSeconds, int? rpm, int? tpm)
    {
        lock (_gate)
        {
            var (requests, tokens) = Totals(nowSeconds);
            if ((rpm is { } r && requests >= r) || (tpm is { } t && tokens >= t))
            {
                return WaitFor(nowSeconds, rpm, tpm);
            }

            _requests[Bucket(nowSeconds)]++;
            return null;
        }
    }

    /// <summary>Adds a finished request's tokens.</summary>
    public void AddTokens(long nowSeconds, long tokens)
    {
        lock (_gate)
        {
            _tokens[Bucket(nowSeconds)] += tokens;
        }
    }

    public (int Requests, long Tokens) Current(long nowSeconds)
    {
        lock (_gate)
        {
            return Totals(nowSeconds);
        }
    }

    private (int Requests, long Tokens) Totals(long now)
    {
        var requests = 0;
        long tokens = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (now - _seconds[i] < Buckets)
            {
                requests += _requests[i];
                tokens += _tokens[i];
            }
        }

        return (requests, tokens);
    }

    /// <summary>Seconds until enough old buckets leave the window to admit a request.</summary>
    private TimeSpan WaitFor(long now, int? rpm, int? tpm)
    {
        for (var wait = 1; wait <= Buckets; wait++)
        {
            var (requests, tokens) = Totals(now + wait);
            if ((rpm is not { } r || requests < r) && (tpm is not { } t || tokens < t))
            {
                return TimeSpan.FromSeconds(wait);
            }
        }

        return TimeSpan.FromSeconds(Buckets);
    }

    /// <summary>The bucket of this second, emptied first when it still holds a second a minute old.</summary>
    private int Bucket(long now)
    {
        var index = (int)(now % Buckets);
        if (_seconds[index] != now)
        {
            _seconds[index] = now;
            _requests[index] = 0;
            _tokens[index] = 0;
        }

        return index;
    }
}
