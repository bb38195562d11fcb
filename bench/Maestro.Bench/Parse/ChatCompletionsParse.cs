using BenchmarkDotNet.Attributes;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;

namespace Maestro.Bench.Parse;

/// <summary>Chat Completions streams (the OpenAI-compatible adapter): Maestro beside the official OpenAI SDK's ChatClient.</summary>
public class ChatCompletionsParse : ParseBenchmark
{
    private OpenAIChatSdk? _sdk;

    protected override Adapter Adapter => Adapter.ChatCompletions;

    [Benchmark]
    public Task<int> Sdk() => _sdk!.CountTextDeltasAsync();

    protected override void SetupSdk() => _sdk = new OpenAIChatSdk(Http, NoNetwork, "bench-model");

    protected override void VerifySdk() => Verify("OpenAI SDK", Sdk().GetAwaiter().GetResult());
}
