using System.Globalization;

namespace Maestro.Core.Models;

/// <summary>
/// How model ids relate across providers' lists: an alias (<c>claude-sonnet-4-5</c>, <c>gpt-4o</c>,
/// <c>gemini-2.0-flash</c>) and its dated snapshots (<c>claude-sonnet-4-5-20250929</c>, <c>gpt-4o-2024-08-06</c>,
/// <c>gemini-2.0-flash-001</c>) are the same model. Only a snapshot suffix directly after the alias counts, so
/// <c>claude-sonnet-4-5</c> never matches <c>claude-opus-…</c> and <c>gpt-5</c> never matches <c>gpt-5-mini-…</c>.
/// </summary>
public static class ModelIds
{
    /// <summary>
    /// The snapshot key of <paramref name="candidate"/> when it is <paramref name="alias"/> followed by a snapshot
    /// suffix (<c>-YYYYMMDD</c>, <c>-YYYY-MM-DD</c> or a <c>-NNN</c> version); larger keys are newer. Null otherwise.
    /// </summary>
    public static long? SnapshotOf(string alias, string candidate)
    {
        if (candidate.Length <= alias.Length + 1 ||
            !candidate.StartsWith(alias, StringComparison.Ordinal) ||
            candidate[alias.Length] != '-')
        {
            return null;
        }

        return SuffixKey(candidate.AsSpan(alias.Length + 1));
    }

    /// <summary>The id without a trailing snapshot suffix (<c>claude-sonnet-4-5-20250929</c> → <c>claude-sonnet-4-5</c>).</summary>
    public static string BaseOf(string id)
    {
        var dash = id.LastIndexOf('-');
        if (dash > 0 && SuffixKey(id.AsSpan(dash + 1)) is not null)
        {
            return id[..dash];
        }

        // -YYYY-MM-DD has three dashes.
        if (id.Length > 11 && id[^11] == '-' && SuffixKey(id.AsSpan(id.Length - 10)) is not null)
        {
            return id[..^11];
        }

        return id;
    }

    private static long? SuffixKey(ReadOnlySpan<char> suffix)
    {
        if (suffix.Length == 8 && IsDigits(suffix) && suffix[0] is '1' or '2')
        {
            return long.Parse(suffix, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (suffix.Length == 10 && suffix[4] == '-' && suffix[7] == '-' &&
            IsDigits(suffix[..4]) && IsDigits(suffix.Slice(5, 2)) && IsDigits(suffix[8..]))
        {
            return (long.Parse(suffix[..4], NumberStyles.None, CultureInfo.InvariantCulture) * 10_000) +
                   (long.Parse(suffix.Slice(5, 2), NumberStyles.None, CultureInfo.InvariantCulture) * 100) +
                   long.Parse(suffix[8..], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (suffix.Length == 3 && IsDigits(suffix))
        {
            return long.Parse(suffix, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}
