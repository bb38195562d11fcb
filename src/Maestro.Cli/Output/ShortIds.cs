using Maestro.Core.Errors;

namespace Maestro.Cli.Output;

/// <summary>
/// Ids as people type them: 8 characters shown, and any unambiguous part accepted — the full id, its start, or the
/// start of the short form. The short form is the id's random end, not its start: Maestro's ids (UUIDv7) begin with
/// their creation time, so ids made in the same minute share their first characters.
/// </summary>
public static class ShortIds
{
    public const int Length = 8;

    public static string Of(Guid id) => id.ToString("N")[^Length..];

    /// <summary>The one candidate <paramref name="text"/> names, or a clear error (none, or several match).</summary>
    public static Guid Resolve(string text, IEnumerable<Guid> candidates, string field, string what, string listHint)
    {
        if (Guid.TryParse(text, out var full))
        {
            return full;
        }

        var typed = text.Trim().Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (typed.Length < 4 || !typed.All(char.IsAsciiHexDigit))
        {
            throw new ValidationFailedException(field, $"'{text}' is not {what} id: give the {Length} characters shown (or at least 4 of them). {listHint}");
        }

        var matches = candidates.Distinct().Where(id =>
        {
            var n = id.ToString("N");
            return n.StartsWith(typed, StringComparison.Ordinal) || Of(id).StartsWith(typed, StringComparison.Ordinal) || n.EndsWith(typed, StringComparison.Ordinal);
        }).Take(2).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new NotFoundException($"No {what} matches '{text}'.", listHint),
            _ => throw new ValidationFailedException(field, $"'{text}' matches more than one {what}: give more characters."),
        };
    }
}
