using System.Text.RegularExpressions;

namespace Maestro.Core.Providers.Http;

/// <summary>Removes credentials from text that is about to be logged (headers, JSON and form bodies, URLs).</summary>
public static partial class SecretRedactor
{
    private const string Mask = "[REDACTED]";

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie", "set-cookie",
    };

    public static bool IsSecretHeader(string name) => SecretHeaders.Contains(name);

    public static string RedactHeader(string name, string value) => IsSecretHeader(name)
        ? value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? "Bearer " + Mask : Mask
        : value;

    /// <summary>Masks the values of secret-looking JSON fields ("access_token": "…").</summary>
    public static string RedactJson(string text) => JsonSecret().Replace(text, m => $"{m.Groups[1].Value}\"{Mask}\"");

    /// <summary>Masks secret form fields (code=…&amp;refresh_token=…) and key= query parameters.</summary>
    public static string RedactForm(string text) => FormSecret().Replace(text, m => $"{m.Groups[1].Value}={Mask}");

    public static string RedactUrl(Uri url) =>
        string.IsNullOrEmpty(url.Query) ? url.ToString() : url.GetLeftPart(UriPartial.Path) + RedactForm(url.Query);

    public static string RedactBody(string? mediaType, string body) =>
        mediaType is not null && mediaType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? RedactForm(body)
            : RedactJson(body);

    [GeneratedRegex("(\"(?:api_key|apiKey|access_token|accessToken|refresh_token|refreshToken|id_token|idToken|client_secret|clientSecret|code_verifier|password|secret|token|key|encrypted_api_key)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.CultureInvariant)]
    private static partial Regex JsonSecret();

    [GeneratedRegex("(?<=^|[?&])((?:key|api_key|access_token|refresh_token|id_token|client_secret|code|code_verifier|password|subject_token|device_code))=[^&\\s]*", RegexOptions.CultureInvariant)]
    private static partial Regex FormSecret();
}
