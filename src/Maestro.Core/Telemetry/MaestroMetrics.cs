using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Maestro.Core.Telemetry;

/// <summary>
/// Every metric Maestro records, on the meter named <see cref="MaestroTelemetry.Name"/> ("Maestro"): the GenAI client
/// metrics of each provider call (recorded by <see cref="GenAiTelemetryChatClient"/>) and the application's own
/// (<c>maestro.*</c>). One instance per service provider (a singleton); the methods are cheap no-ops while nothing
/// listens.
/// </summary>
public sealed class MaestroMetrics
{
    private static readonly double[] SecondsBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly UpDownCounter<long> _turnsRunning;
    private readonly Counter<long> _turnsRefused;
    private readonly UpDownCounter<long> _viewers;
    private readonly Counter<long> _refreshes;

    public MaestroMetrics(IMeterFactory meters)
        : this(meters.Create(MaestroTelemetry.Name))
    {
    }

    /// <summary>On a meter of the caller's (tests and benchmarks without a service provider).</summary>
    public MaestroMetrics(Meter meter)
    {
        TokenUsage = meter.CreateHistogram(
            GenAiAttributes.TokenUsageMetric, "{token}", "Tokens used by a provider call, by type (input, output).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        OperationDuration = meter.CreateHistogram(
            GenAiAttributes.OperationDurationMetric, "s", "Duration of a provider call, to its last streamed byte.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        TimeToFirstChunk = meter.CreateHistogram(
            GenAiAttributes.TimeToFirstChunkMetric, "s", "Time from a streaming provider call to its first chunk of output (time to first token).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _turnsRunning = meter.CreateUpDownCounter<long>("maestro.turns.running", "{turn}", "Turns running in this process.");
        _turnsRefused = meter.CreateCounter<long>("maestro.turns.refused", "{turn}", "Turns refused because too many were running (answered 429).");
        _viewers = meter.CreateUpDownCounter<long>("maestro.viewers.live", "{viewer}", "Live viewers: event streams open to browsers, the CLI and API clients.");
        _refreshes = meter.CreateCounter<long>("maestro.oauth.refreshes", "{refresh}", "OAuth token refreshes by provider and outcome (refreshed, failed, needs_relogin).");
    }

    /// <summary><c>gen_ai.client.token.usage</c>.</summary>
    public Histogram<long> TokenUsage { get; }

    /// <summary><c>gen_ai.client.operation.duration</c>.</summary>
    public Histogram<double> OperationDuration { get; }

    /// <summary><c>gen_ai.client.operation.time_to_first_chunk</c>: time to first token.</summary>
    public Histogram<double> TimeToFirstChunk { get; }

    /// <summary>Whether any GenAI instrument is listened to (a provider call then measures itself).</summary>
    public bool GenAiEnabled => TokenUsage.Enabled || OperationDuration.Enabled || TimeToFirstChunk.Enabled;

    /// <summary>A turn started running in this process; pair with <see cref="TurnEnded"/>.</summary>
    public void TurnStarted() => _turnsRunning.Add(1);

    public void TurnEnded() => _turnsRunning.Add(-1);

    /// <summary>A turn was refused by admission control (<paramref name="reason"/>: e.g. <c>busy</c>).</summary>
    public void TurnRefused(string reason) => _turnsRefused.Add(1, new KeyValuePair<string, object?>("maestro.reason", reason));

    /// <summary>A live viewer connected (an SSE stream opened); pair with <see cref="ViewerDisconnected"/>.</summary>
    public void ViewerConnected(string kind) => _viewers.Add(1, new KeyValuePair<string, object?>("maestro.viewer.kind", kind));

    public void ViewerDisconnected(string kind) => _viewers.Add(-1, new KeyValuePair<string, object?>("maestro.viewer.kind", kind));

    /// <summary>An OAuth refresh finished (<paramref name="outcome"/>: refreshed, fresh, failed, needs_relogin).</summary>
    public void OAuthRefresh(string provider, string outcome) => _refreshes.Add(
        1,
        new KeyValuePair<string, object?>(GenAiAttributes.ProviderName, provider),
        new KeyValuePair<string, object?>("maestro.outcome", outcome));

    /// <summary>Tags shared by a provider call's metrics.</summary>
    internal static TagList CallTags(string provider, string? requestModel, string? responseModel, string auth, string? error)
    {
        var tags = new TagList
        {
            { GenAiAttributes.OperationName, GenAiAttributes.Chat },
            { GenAiAttributes.ProviderName, provider },
            { GenAiAttributes.Auth, auth },
        };
        if (requestModel is not null)
        {
            tags.Add(GenAiAttributes.RequestModel, requestModel);
        }

        if (responseModel is not null)
        {
            tags.Add(GenAiAttributes.ResponseModel, responseModel);
        }

        if (error is not null)
        {
            tags.Add(GenAiAttributes.ErrorType, error);
        }

        return tags;
    }
}
