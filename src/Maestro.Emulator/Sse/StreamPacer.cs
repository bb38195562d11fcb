namespace Maestro.Emulator.Sse;

/// <summary>
/// Holds a stream to a token rate. Deadlines are computed from the stream's start rather than from the previous event,
/// so slow writes do not make the whole stream drift slower than asked.
/// </summary>
internal sealed class StreamPacer(double tokensPerSecond, TimeProvider time)
{
    private long _started = -1;
    private long _tokens;

    public bool IsPaced => tokensPerSecond > 0;

    public async ValueTask WaitAsync(int tokens, CancellationToken cancellationToken)
    {
        if (!IsPaced || tokens <= 0)
        {
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
