namespace Maestro.Emulator.Sse;

/// <summary>
/// Holds a stream to a token rate. Deadlines are computed from the stream's start rather than from the previous event,
/// so slow writes do not make the whole stream drift slower than asked. With a hold, the stream also waits once, before
/// the token after the first <c>holdAfterTokens</c>, until the hold completes; the pace resumes from there.
/// </summary>
internal sealed class StreamPacer(double tokensPerSecond, TimeProvider time, Func<CancellationToken, Task>? hold = null, int holdAfterTokens = 0)
{
    private Func<CancellationToken, Task>? _hold = hold;
    private long _started = -1;
    private long _tokens;

    public bool IsPaced => tokensPerSecond > 0;

    public async ValueTask WaitAsync(int tokens, CancellationToken cancellationToken)
    {
        if (tokens <= 0)
        {
            return;
        }

        if (_hold is not null && _tokens >= holdAfterTokens)
        {
            var waitedFrom = time.GetTimestamp();
            await _hold(cancellationToken);
            _hold = null;
            if (_started >= 0)
            {
                _started += time.GetTimestamp() - waitedFrom;
            }
        }

        if (!IsPaced)
        {
            _tokens += tokens;
            return;
        }

        if (_started < 0)
        {
            _started = time.GetTimestamp();
        }

        // The first token goes out at once; token n is due n/rate seconds after it.
        var due = TimeSpan.FromSeconds(_tokens / tokensPerSecond);
        _tokens += tokens;
        var wait = due - time.GetElapsedTime(_started);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
