using Maestro.Core.Providers;

namespace Maestro.Core.Models;

/// <summary>
/// Finds a requested model in a live list: the exact id, else the newest dated snapshot of the same model (see
/// <see cref="ModelIds"/>), never a model of another family. Used for defaults, context windows, prices and validation,
/// so every surface agrees on which model an alias means.
/// </summary>
public static class ModelResolution
{
    public static ModelInfo? Find(IReadOnlyList<ModelInfo> models, string requested)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return null;
        }

        foreach (var m in models)
        {
            if (string.Equals(m.Id, requested, StringComparison.Ordinal))
            {
                return m;
            }
        }

        if (NewestSnapshot(models, requested) is { } snapshot)
        {
            return snapshot;
        }

        // Anthropic-style "-0" aliases name the first release of a version: claude-opus-4-0 → claude-opus-4-20250514.
        if (requested.EndsWith("-0", StringComparison.Ordinal) && NewestSnapshot(models, requested[..^2]) is { } zero)
        {
            return zero;
        }

        // A dated id that the list only carries as its alias (some proxies list aliases only).
        var alias = ModelIds.BaseOf(requested);
        if (alias.Length != requested.Length)
        {
            foreach (var m in models)
            {
                if (string.Equals(m.Id, alias, StringComparison.Ordinal))
                {
                    return m;
                }
            }
        }

        return null;
    }

    /// <summary>Ids from the list that look like what the user meant (typos, a missing suffix), closest first.</summary>
    public static IReadOnlyList<string> CloseMatches(IReadOnlyList<ModelInfo> models, string requested, int max = 5)
    {
        var wanted = requested.Trim().ToLowerInvariant();
        var scored = new List<(string Id, int Score)>();
        foreach (var m in models)
        {
            var id = m.Id.ToLowerInvariant();
            var baseId = ModelIds.BaseOf(id);
            var distance = Math.Min(Distance(wanted, id), Distance(wanted, baseId));
            var limit = Math.Max(2, wanted.Length / 3);
            if (distance <= limit)
            {
                scored.Add((m.Id, distance));
            }
            else if (wanted.Length >= 3 && (id.Contains(wanted, StringComparison.Ordinal) || wanted.Contains(baseId, StringComparison.Ordinal)))
            {
                scored.Add((m.Id, limit + 1 + Math.Abs(id.Length - wanted.Length)));
            }
        }

        scored.Sort((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Id, b.Id));
        var result = new List<string>(Math.Min(max, scored.Count));
        foreach (var (id, _) in scored)
        {
            if (result.Count == max)
            {
                break;
            }

            result.Add(id);
        }

        return result;
    }

    private static ModelInfo? NewestSnapshot(IReadOnlyList<ModelInfo> models, string alias)
    {
        ModelInfo? best = null;
        long bestKey = -1;
        foreach (var m in models)
        {
            if (ModelIds.SnapshotOf(alias, m.Id) is { } key &&
                (key > bestKey || (key == bestKey && m.CreatedAt > best?.CreatedAt)))
            {
                best = m;
                bestKey = key;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance (ids are short; two rows suffice).</summary>
    private static int Distance(string a, string b)
    {
        if (a.Length == 0)
        {
            return b.Length;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
