using BenchmarkDotNet.Attributes;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;

namespace Maestro.Bench.Parse;

/// <summary>Anthropic Messages streams: Maestro beside the official Anthropic SDK.</summary>
public class AnthropicMessagesParse : ParseBenchmark
{
    private AnthropicSdk? _sdk;

    protected override Adapter Adapter => Adapter.AnthropicMessages;

    [Benchmark]
    public Task<int> Sdk() => _sdk!.CountTextDeltasAsync("bench-model");

    protected override void SetupSdk() => _sdk = new AnthropicSdk(Http, NoNetwork);

    protected override void VerifySdk() => Verify("Anthropic SDK", Sdk().GetAwaiter().GetResult());

    protected override void CleanupSdk() => _sdk?.Dispose();
}
