using System.Text;
using Maestro.Core.Errors;

namespace Maestro.Core.Mcp;

/// <summary>
/// How an MCP server's command line and URL are shown (API, UI, CLI, messages): the value of an argument whose name
/// says it is a secret (<c>--token X</c>, <c>--api-key=X</c>, <c>--client-secret X</c>, <c>--password X</c>), URL query
/// values named like one (<c>?api_key=</c>, <c>access_token=</c>, <c>auth=</c>, <c>sig=</c>) and a URL's user-info
/// become <see cref="Marker"/>. Sent back in an edit, the marker means "keep the stored value" (<see cref="RestoreArgs"/>,
/// <see cref="RestoreUrl"/>), so an edit made from what was shown loses nothing. Element for element: a redacted
/// argument list has the same length as the original.
/// </summary>
public static class McpRedaction
{
    public const string Marker = "redacted";

    private static readonly string[] SecretWords =
        ["key", "apikey", "token", "secret", "password", "passwd", "pass", "pwd", "credential", "credentials", "auth", "authorization", "bearer", "sig", "signature"];

    /// <summary>Whether a flag or parameter name (<c>--api-key</c>, <c>access_token</c>) names a secret.</summary>
    public static bool IsSecretName(string name)
    {
        foreach (var part in name.TrimStart('-').Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (SecretWords.Contains(part, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static IReadOnlyList<string> RedactArgs(IReadOnlyList<string> args)
    {
        var result = new string[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (IsFlag(arg) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                result[i] = IsSecretName(arg[..eq]) ? arg[..(eq + 1)] + Marker : arg;
            }
            else if (IsFlag(arg) && IsSecretName(arg) && i + 1 < args.Count && !IsFlag(args[i + 1]))
            {
                result[i] = arg;
                result[++i] = Marker;
            }
            else
            {
                result[i] = RedactUrl(arg) ?? arg;
            }
        }

        return result;
    }

    /// <summary>The URL with its user-info and secret-looking query values replaced; anything that is not an http(s) URL unchanged.</summary>
    public static string? RedactUrl(string? url)
    {
        if (Parse(url) is not { } parts)
        {
            return url;
        }

        var userInfo = parts.UserInfo is null ? null : parts.UserInfo.Contains(':', StringComparison.Ordinal) ? parts.UserInfo[..parts.UserInfo.IndexOf(':', StringComparison.Ordinal)] + ":" + Marker : Marker;
        var query = parts.Query?.Select(p => p.Value is not null && IsSecretName(Uri.UnescapeDataString(p.Name)) ? (p.Name, (string?)Marker) : p).ToList();
        return (parts with { UserInfo = userInfo, Query = query }).ToString();
    }

    /// <summary>The arguments of an edit with each marker replaced by the stored value it stands for.</summary>
    /// <exception cref="ValidationFailedException">A marker stands for nothing stored (field: args).</exception>
    public static IReadOnlyList<string> RestoreArgs(IReadOnlyList<string> given, IReadOnlyList<string> stored)
    {
        if (!given.Any(a => a.Contains(Marker, StringComparison.Ordinal)))
        {
            return given;
        }

        var shown = RedactArgs(stored);
        var used = new bool[stored.Count];
        var result = new List<string>(given.Count);
        for (var j = 0; j < given.Count; j++)
        {
            var arg = given[j];
            result.Add(arg.Contains(Marker, StringComparison.Ordinal)
                ? Restore(arg, j > 0 ? given[j - 1] : null) ?? throw new ValidationFailedException("args",
                    $"'{arg}' stands for a hidden value, but this server has no stored value for it: type the value itself.")
                : arg);
        }

        return result;

        // The first unused stored argument shown the same way (a bare value: after the same flag), or a stored URL
        // argument that supplies the hidden parts of an edited URL.
        string? Restore(string arg, string? previous)
        {
            for (var i = 0; i < stored.Count; i++)
            {
                if (!used[i] && shown[i] == arg && shown[i] != stored[i] && (arg != Marker || (i > 0 && shown[i - 1] == previous)))
                {
                    used[i] = true;
                    return stored[i];
                }
            }

            for (var i = 0; i < stored.Count && Parse(arg) is not null; i++)
            {
                if (!used[i] && TryRestoreUrl(arg, stored[i]) is { } url)
                {
                    used[i] = true;
                    return url;
                }
            }

            return null;
        }
    }

    /// <summary>The URL of an edit with hidden parts (user-info, query values) taken back from the stored URL.</summary>
    /// <exception cref="ValidationFailedException">A marker stands for nothing stored (field: url).</exception>
    public static string RestoreUrl(string given, string? stored) =>
        !given.Contains(Marker, StringComparison.Ordinal) || Parse(given) is null
            ? given
            : (stored is null ? null : TryRestoreUrl(given, stored))
              ?? throw new ValidationFailedException("url", $"'{RedactUrl(given)}' keeps a hidden value that this server does not have: type the value itself.");

    private static string? TryRestoreUrl(string given, string stored)
    {
        if (Parse(given) is not { } g || Parse(stored) is not { } s)
        {
            return null;
        }

        var userInfo = g.UserInfo;
        if (userInfo is not null && (userInfo == Marker || userInfo.EndsWith(":" + Marker, StringComparison.Ordinal)))
        {
            if (s.UserInfo is null)
            {
                return null;
            }

            userInfo = userInfo == Marker || !s.UserInfo.Contains(':', StringComparison.Ordinal)
                ? s.UserInfo
                : userInfo[..^Marker.Length] + s.UserInfo[(s.UserInfo.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }

        var query = new List<(string Name, string? Value)>();
        var storedValues = (s.Query ?? []).ToList();
        foreach (var (name, value) in g.Query ?? [])
        {
            if (value == Marker)
            {
                var i = storedValues.FindIndex(p => p.Name == name && p.Value is not null);
                if (i < 0)
                {
                    return null;
                }

                query.Add(storedValues[i]);
                storedValues.RemoveAt(i);
            }
            else
            {
                query.Add((name, value));
            }
        }

        return (g with { UserInfo = userInfo, Query = g.Query is null ? null : query }).ToString();
    }

    private static bool IsFlag(string arg) => arg.Length > 1 && arg[0] == '-';

    private static UrlParts? Parse(string? url)
    {
        if (url is null || !(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var fragmentAt = url.IndexOf('#', StringComparison.Ordinal);
        var fragment = fragmentAt < 0 ? null : url[fragmentAt..];
        var rest = fragmentAt < 0 ? url[scheme..] : url[scheme..fragmentAt];
        var queryAt = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryAt < 0 ? null : rest[(queryAt + 1)..];
        var beforeQuery = queryAt < 0 ? rest : rest[..queryAt];
        var pathAt = beforeQuery.IndexOf('/', StringComparison.Ordinal);
        var authority = pathAt < 0 ? beforeQuery : beforeQuery[..pathAt];
        var path = pathAt < 0 ? "" : beforeQuery[pathAt..];
        var at = authority.LastIndexOf('@');
        return new UrlParts(
            url[..scheme],
            at < 0 ? null : authority[..at],
            at < 0 ? authority : authority[(at + 1)..],
            path,
            query?.Split('&').Select(p => p.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (p[..eq], (string?)p[(eq + 1)..]) : (p, null)).ToList(),
            fragment);
    }

    /// <summary>An http(s) URL taken apart without normalizing anything, so putting it back together changes only what was replaced.</summary>
    private sealed record UrlParts(string Scheme, string? UserInfo, string Host, string Path, List<(string Name, string? Value)>? Query, string? Fragment)
    {
        public override string ToString()
        {
            var text = new StringBuilder(Scheme);
            if (UserInfo is not null)
            {
                text.Append(UserInfo).Append('@');
            }

            text.Append(Host).Append(Path);
            if (Query is not null)
            {
                text.Append('?').AppendJoin('&', Query.Select(p => p.Value is null ? p.Name : $"{p.Name}={p.Value}"));
            }

            return text.Append(Fragment).ToString();
        }
    }
}
