using System.Text.RegularExpressions;

namespace Maestro.Core.Sessions;

public static partial class SessionNames
{
    public const string Rule = "1-80 characters of A-Z, a-z, 0-9, '.', '_' and '-'";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,80}$")]
    private static partial Regex Pattern();
}
