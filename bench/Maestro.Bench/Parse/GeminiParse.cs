using Maestro.Bench.Streams;

namespace Maestro.Bench.Parse;

/// <summary>Gemini streamGenerateContent?alt=sse: Maestro only (there is no official Gemini .NET SDK in the package mirror).</summary>
public class GeminiParse : ParseBenchmark
{
    protected override Adapter Adapter => Adapter.Gemini;
}
