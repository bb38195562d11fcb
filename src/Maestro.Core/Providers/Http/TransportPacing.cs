using Maestro.Core.Events;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// What a paced reader of a provider stream tells the connection under it: for the duration of one synchronous call
/// into the stream (<see cref="Current"/> is set on the calling thread), a read that reaches a
/// <see cref="PacedNetworkStream"/> is paced by <see cref="Clock"/>. The connection says so through
/// <see cref="Engaged"/>, and from then on the reader leaves the pacing to it. A thread-static rather than an
/// <see cref="AsyncLocal{T}"/>: setting it costs no allocation on a path taken per token, and the reads it is for run
/// synchronously inside the call (HTTP/1.1's content stream reads the connection's stream on the caller's thread; HTTP/2
/// reads on its own loop, where nothing is set, so it is never paced).
/// </summary>
internal sealed class TransportPacing(PacingClock clock)
{
    [ThreadStatic]
    private static TransportPacing? t_current;

    /// <summary>The pacing asked for by the call running on this thread, if any.</summary>
    public static TransportPacing? Current
    {
        get => t_current;
        set => t_current = value;
    }

    public PacingClock Clock { get; } = clock;

    /// <summary>Whether a connection under the reader paces its reads (set by the connection, read by the reader).</summary>
    public bool Engaged { get; set; }
}
