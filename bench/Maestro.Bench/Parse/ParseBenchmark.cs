using BenchmarkDotNet.Attributes;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;
using Microsoft.Extensions.AI;

namespace Maestro.Bench.Parse;

/// <summary>
/// One adapter's stream through Maestro's full streaming path: <c>IChatClient.GetStreamingResponseAsync</c> → request
/// writing, the retry pipeline, HttpClient, the idle-timeout stream, the SSE parser and the adapter — over a handler
/// that answers from memory. Derived classes add the official SDK reading the same bytes, where there is one.
/// </summary>
public abstract class ParseBenchmark
{
    protected static readonly Uri NoNetwork = new("http://127.0.0.1:9");

    private IChatClient? _maestro;
    private ChatOptions? _options;

    protected ParseBenchmark()
    {
        Stream = null!;
        Http = null!;
    }

    [ParamsSource(nameof(Streams))]
    public BenchStream Stream { get; set; }

    protected abstract Adapter Adapter { get; }

    protected HttpClient Http { get; private set; }

    public IEnumerable<BenchStream> Streams() => StreamLibrary.All(Adapter);

    [GlobalSetup]
    public void Setup()
    {
        var replay = new ReplayHandler(Stream.Bytes);
        Http = new HttpClient(replay);
        _maestro = MaestroClients.Create(Adapter, replay, NoNetwork);
        _options = MaestroClients.Options("bench-model");
        SetupSdk();
        Verify("Maestro", Maestro().GetAwaiter().GetResult());
        VerifySdk();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        CleanupSdk();
        Http.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<int> Maestro() => MaestroClients.CountTextDeltasAsync(_maestro!, _options!);

    protected virtual void SetupSdk()
    {
    }

    protected virtual void VerifySdk()
    {
    }

    protected virtual void CleanupSdk()
    {
    }

    /// <summary>Both sides must see every text delta of the stream, or the comparison would be meaningless.</summary>
    protected void Verify(string who, int deltas)
    {
        if (deltas != Stream.TextDeltas)
        {
            throw new InvalidOperationException($"{who} saw {deltas} text deltas in {Adapter} '{Stream.Name}', expected {Stream.TextDeltas}.");
        }
    }
}
