using Maestro.Core.Events;

namespace Maestro.Web.Api;

/// <summary>Settings of the API's event streams (<c>GET /api/sessions/{s}/events</c>).</summary>
public sealed record EventStreamOptions
{
    /// <summary>
    /// A viewer is flushed at most once per tick of a process-wide clock with this interval (MAESTRO_STREAM_FLUSH_MS,
    /// default 100 ms; 0 flushes every event): tokens that arrive meanwhile go out in one write, as one text delta. The
    /// first event after a quiet spell is not delayed.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Events that may wait for a viewer that stopped reading; past it the backlog is dropped and the viewer gets a
    /// snapshot when it reads again, so a stalled viewer never makes the server hold unbounded memory.
    /// </summary>
    public int MaxBacklog { get; init; } = SubscriptionOptions.Viewer.MaxBacklog;
}
