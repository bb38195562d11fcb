namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// The hosts http_fetch may reach (MAESTRO_HTTP_FETCH_ALLOW): an exact host ("docs.python.org", "127.0.0.1"),
/// "*.example.com" for every subdomain of example.com (not example.com itself), or "*" for every host.
/// </summary>
public static class HttpAllowList
{
    public const string SettingName = "MAESTRO_HTTP_FETCH_ALLOW";

    public static IReadOnlyList<string> Parse(string? setting) =>
        (setting ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Normalize)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    public static bool Allows(IReadOnlyList<string> allowList, string host)
    {
        host = Normalize(host);
        foreach (var entry in allowList)
        {
            var allowed = Normalize(entry);
            if (allowed == "*" || allowed == host)
            {
                return true;
            }

            // "*.example.com" matches "a.example.com" and "a.b.example.com", never "evilexample.com".
            if (allowed.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(allowed[1..], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hosts compare case-insensitively and without the DNS root's trailing dot or IPv6 brackets.</summary>
    private static string Normalize(string host) => host.Trim().TrimEnd('.').Trim('[', ']').ToLowerInvariant();
}
