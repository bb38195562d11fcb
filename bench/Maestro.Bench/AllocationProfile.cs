using System.Diagnostics.Tracing;
using System.Globalization;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;

namespace Maestro.Bench;

/// <summary>
/// <c>allocs ADAPTER STREAM [maestro|sdk] [--trickle]</c>: runs one stream repeatedly and estimates the bytes each type allocates per
/// run, from the runtime's sampled GC AllocationTick events (one per ~100 KB allocated, carrying the type that crossed
/// the threshold). No external tool needed; good enough to see which objects dominate a hot path.
/// </summary>
public static class AllocationProfile
{
    private static readonly Uri NoNetwork = new("http://127.0.0.1:9");

    public static async Task<int> RunAsync(Adapter adapter, string streamName, string side, bool trickle, TextWriter output)
    {
        var stream = StreamLibrary.All(adapter).FirstOrDefault(s => s.Name == streamName)
            ?? throw new ArgumentException($"No {adapter} stream '{streamName}'; see `check` for the names.");
        var replay = new ReplayHandler(stream.Bytes, trickle);
        using var http = new HttpClient(replay);
        Func<Task<int>> run = side switch
        {
            "maestro" => MaestroRun(adapter, replay),
            "sdk" => SdkRun(adapter, http),
            _ => throw new ArgumentException($"side must be maestro or sdk, not '{side}'."),
        };

        // Warm up (tiering, pools).
        for (var i = 0; i < 50; i++)
        {
            await run();
        }

        // Exact bytes per run first, without the listener (whose own event objects would count).
        const int ExactRuns = 200;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < ExactRuns; i++)
        {
            await run();
        }

        var perRun = (GC.GetTotalAllocatedBytes(precise: true) - before) / ExactRuns;
        output.WriteLine($"{adapter} '{stream.Name}'{(trickle ? " (trickled)" : "")} via {side}: {perRun:N0} B/run, {perRun / Math.Max(1, stream.TextDeltas):N0} B/token (exact); by type (sampled):");

        using var listener = new AllocationListener();
        before = GC.GetTotalAllocatedBytes(precise: true);
        while (GC.GetTotalAllocatedBytes(precise: true) - before < 400L * 1024 * 1024)
        {
            await run();
        }

        var sampled = listener.Snapshot();
        var sampledTotal = sampled.Values.Sum();
        foreach (var (type, bytes) in sampled.OrderByDescending(p => p.Value).Take(30))
        {
            var share = (double)bytes / sampledTotal;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {share,6:P1}  {share * perRun,10:N0} B/run  {type}"));
        }

        return 0;
    }

    private static Func<Task<int>> MaestroRun(Adapter adapter, HttpMessageHandler primary)
    {
        var client = MaestroClients.Create(adapter, primary, NoNetwork);
        var options = MaestroClients.Options("bench-model");
        return () => MaestroClients.CountTextDeltasAsync(client, options);
    }

    private static Func<Task<int>> SdkRun(Adapter adapter, HttpClient http) => adapter switch
    {
        Adapter.AnthropicMessages => new AnthropicSdk(http, NoNetwork) is var sdk ? () => sdk.CountTextDeltasAsync("bench-model") : null!,
        Adapter.OpenAIResponses => new OpenAIResponsesSdk(http, NoNetwork) is var sdk ? () => sdk.CountTextDeltasAsync("bench-model") : null!,
        Adapter.ChatCompletions => new OpenAIChatSdk(http, NoNetwork, "bench-model") is var sdk ? sdk.CountTextDeltasAsync : null!,
        _ => throw new ArgumentException($"{adapter} has no official SDK here."),
    };

    /// <summary>Sums the sampled allocation amounts of the runtime's GCAllocationTick events by type name.</summary>
    private sealed class AllocationListener : EventListener
    {
        private const int GcKeyword = 0x1;
        private readonly Dictionary<string, long> _bytes = [];
        private readonly Lock _lock = new();

        public Dictionary<string, long> Snapshot()
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_bytes);
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
            {
                return;
            }

            var type = Payload(eventData, "TypeName") as string ?? "?";
            var amount = Payload(eventData, "AllocationAmount64") is ulong big ? (long)big : Convert.ToInt64(Payload(eventData, "AllocationAmount") ?? 0, CultureInfo.InvariantCulture);
            lock (_lock)
            {
                _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
            }
        }

        private static object? Payload(EventWrittenEventArgs eventData, string name)
        {
            var index = eventData.PayloadNames!.IndexOf(name);
            return index >= 0 ? eventData.Payload![index] : null;
        }
    }
}
