namespace Maestro.Bench.Latency;

/// <summary>Nearest-rank percentiles of a sample, in milliseconds.</summary>
public sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return new Percentiles(Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
