using System.Buffers;
using System.Globalization;
using System.Text;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// Anthropic accepts tool_use ids matching <c>^[a-zA-Z0-9_-]+$</c>; calls made by other providers (or by hand) may carry
/// other ids. The same id always maps to the same safe id, so a call and its result stay paired, and a hash of the
/// original keeps two different ids from collapsing into one ("call.1" and "call:1").
/// </summary>
internal static class AnthropicToolIds
{
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    public static bool IsValid(string id) => id.Length > 0 && !id.AsSpan().ContainsAnyExcept(Allowed);

    public static string Sanitize(string? id)
    {
        if (id is not null && IsValid(id))
        {
            return id;
        }

        id ??= "";
        var text = new StringBuilder(id.Length + 14).Append("toolu_");
        foreach (var c in id)
        {
            text.Append(Allowed.Contains(c) ? c : '_');
        }

        return text.Append('_').Append(Fnv1a(id).ToString("x8", CultureInfo.InvariantCulture)).ToString();
    }

    // A stable hash: string.GetHashCode differs between processes, and history is replayed across restarts.
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
