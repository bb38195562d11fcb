using System.Text.RegularExpressions;

namespace Maestro.Core.Auths;

public static partial class AuthNames
{
    public const string Rule = "3-50 characters of A-Z, a-z, 0-9, '_' and '-'";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_-]{3,50}$")]
    private static partial Regex Pattern();
}
