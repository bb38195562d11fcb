namespace Maestro.Bench.Streams;

/// <summary>
/// One benchmark input: the exact bytes of a provider's streamed response body, and how many text deltas (the unit
/// "token" in every figure) it carries. The ToString is what BenchmarkDotNet prints in the Stream column.
/// </summary>
public sealed record BenchStream(Adapter Adapter, string Name, byte[] Bytes, int TextDeltas)
{
    public override string ToString() => Name;
}
