namespace Maestro.Web.Ui;

/// <summary>Settings of the UI's live streams.</summary>
public sealed record LiveStreamOptions
{
    /// <summary>At most this many updates per second of a streaming message, per viewer.</summary>
    public TimeSpan Throttle { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Quiet streams send a ping this often, so proxies keep them open and the browser knows it is live.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A stream ends after this long (at an update boundary) and the browser reconnects from its last event id, so no
    /// proxy ever cuts it mid-update and resuming is exercised all the time (MAESTRO_UI_STREAM_MAX_SECONDS).
    /// </summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How soon the browser reconnects after a stream ends.</summary>
    public TimeSpan Retry { get; init; } = TimeSpan.FromMilliseconds(500);
}
