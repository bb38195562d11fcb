using BenchmarkDotNet.Attributes;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;

namespace Maestro.Bench.Parse;

/// <summary>OpenAI Responses streams: Maestro beside the official OpenAI SDK's ResponsesClient.</summary>
public class OpenAIResponsesParse : ParseBenchmark
{
    private OpenAIResponsesSdk? _sdk;

    protected override Adapter Adapter => Adapter.OpenAIResponses;

    [Benchmark]
    public Task<int> Sdk() => _sdk!.CountTextDeltasAsync("bench-model");

    protected override void SetupSdk() => _sdk = new OpenAIResponsesSdk(Http, NoNetwork);

    protected override void VerifySdk() => Verify("OpenAI SDK", Sdk().GetAwaiter().GetResult());
}
