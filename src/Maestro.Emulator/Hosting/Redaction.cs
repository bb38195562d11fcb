using System.Text;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>Keeps credentials out of logs and recorded requests: the emulator may be pointed at with real keys.</summary>
internal static class Redaction
{
    public const string Mask = "[redacted]";

    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "x-api-key", "x-goog-api-key", "proxy-authorization", "cookie",
    };

    public static string Header(string name, string value)
    {
        if (!CredentialHeaders.Contains(name))
        {
            return value;
        }

        // Keep the scheme ("Bearer") so a test can still see how the credential was sent.
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return name.Equals("authorization", StringComparison.OrdinalIgnoreCase) && space > 0
            ? string.Concat(value.AsSpan(0, space + 1), Mask)
            : Mask;
    }

    /// <summary>Path and query with the value of a <c>key=</c> parameter (Gemini's API key) masked.</summary>
    public static string PathAndQuery(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).ToString();
        if (!request.QueryString.HasValue)
        {
            return path;
        }

        var builder = new StringBuilder(path).Append('?');
        var first = true;
        foreach (var pair in request.QueryString.Value!.TrimStart('?').Split('&'))
        {
            if (!first)
            {
                builder.Append('&');
            }

            first = false;
            builder.Append(pair.StartsWith("key=", StringComparison.OrdinalIgnoreCase) ? "key=" + Mask : pair);
        }

        return builder.ToString();
    }
}
