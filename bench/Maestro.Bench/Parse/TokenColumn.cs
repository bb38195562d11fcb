using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Maestro.Bench.Streams;

namespace Maestro.Bench.Parse;

/// <summary>
/// Figures per token (text delta) of the stream in the benchmark's Stream parameter: the count itself, throughput
/// (tokens per second of the mean time) and bytes allocated per token (MemoryDiagnoser's bytes per operation / tokens).
/// </summary>
public sealed class TokenColumn : IColumn
{
    private readonly Func<BenchStream, Statistics, long?, string> _value;

    private TokenColumn(string id, string header, string legend, Func<BenchStream, Statistics, long?, string> value)
    {
        Id = id;
        ColumnName = header;
        Legend = legend;
        _value = value;
    }

    public static readonly TokenColumn Tokens = new(
        "Tokens", "Tokens", "Text deltas in the stream (the unit of every per-token figure)",
        (stream, _, _) => stream.TextDeltas.ToString("N0", CultureInfo.InvariantCulture));

    public static readonly TokenColumn TokensPerSecond = new(
        "TokensPerSecond", "Tokens/s", "Text deltas parsed per second (Tokens / Mean)",
        (stream, statistics, _) => (stream.TextDeltas / (statistics.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture));

    public static readonly TokenColumn BytesPerToken = new(
        "BytesPerToken", "B/token", "Managed bytes allocated per text delta (Allocated / Tokens)",
        (stream, _, allocated) => allocated is { } bytes ? ((double)bytes / stream.TextDeltas).ToString("N0", CultureInfo.InvariantCulture) : "?");

    public string Id { get; }

    public string ColumnName { get; }

    public string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (benchmarkCase.Parameters["Stream"] is not BenchStream { TextDeltas: > 0 } stream || report?.ResultStatistics is not { } statistics)
        {
            return "-";
        }

        return _value(stream, statistics, report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase));
    }

    public override string ToString() => ColumnName;
}
