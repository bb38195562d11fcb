using System.Collections.Concurrent;

namespace Maestro.Bench.Load;

/// <summary>Errors of a run counted by kind (an HTTP status and code, a turn's failure, a viewer's problem).</summary>
public sealed class ErrorTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public void Add(string kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public IEnumerable<KeyValuePair<string, int>> ByCount() => _counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal);
}
